package io.logcollect.console.search;

import java.util.List;
import java.util.Map;

/**
 * A log document as the pages show it.
 *
 * @param file      {@code log.file.fingerprint}, the identity of the file the line was read from (empty in records
 *                  of agents before it was written): after a rotation, one path names several files
 * @param cursor    the document's sort values, encoded for a URL (search_after)
 * @param segments  the message, cut where the query matched, control characters made visible
 * @param truncated characters of the message not shown in a list (the document page shows them all)
 * @param columns   the values of the fields the search shows as columns, by field (empty: the line has none)
 */
public record LogLine(String index, String id, String timestamp, String host, String path, String file, long offset,
                      List<Segment> segments, int truncated, Map<String, String> labels, String cursor,
                      Map<String, String> columns) {

    /** The first line of a message as a compact row shows it, and whether the message holds more. */
    public record FirstLine(List<Segment> segments, boolean more) {
    }

    /** The segments of the message's first line, cut at {@code maxCharacters}: a compact row's text. */
    public FirstLine firstLine(int maxCharacters) {
        List<Segment> first = new java.util.ArrayList<>();
        int left = maxCharacters;
        boolean more = truncated > 0;
        for (int i = 0; i < segments.size(); i++) {
            String text = segments.get(i).text();
            int newline = text.indexOf('\n');
            String part = newline < 0 ? text : text.substring(0, newline);
            if (part.length() > left) {
                part = part.substring(0, left);
            }
            if (!part.isEmpty()) {
                first.add(new Segment(part, segments.get(i).marked()));
            }
            left -= part.length();
            if (part.length() < text.length() || (left <= 0 && i < segments.size() - 1)) {
                more = true;
                break;
            }
        }
        return new FirstLine(first, more);
    }
}
