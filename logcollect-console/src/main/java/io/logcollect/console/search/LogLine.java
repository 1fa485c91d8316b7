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

    /** The segments of the message's first line, cut at {@code maxCharacters}: a compact row's text. */
    public List<Segment> firstLine(int maxCharacters) {
        List<Segment> first = new java.util.ArrayList<>();
        int left = maxCharacters;
        for (Segment segment : segments) {
            String text = segment.text();
            int newline = text.indexOf('\n');
            String part = newline < 0 ? text : text.substring(0, newline);
            if (part.length() > left) {
                part = part.substring(0, left);
            }
            if (!part.isEmpty()) {
                first.add(new Segment(part, segment.marked()));
            }
            left -= part.length();
            if (newline >= 0 || left <= 0) {
                break;
            }
        }
        return first;
    }

    /** Whether the message has more than {@link #firstLine} shows. */
    public boolean moreThanFirstLine(int maxCharacters) {
        int length = segments.stream().mapToInt(s -> s.text().length()).sum();
        int shown = firstLine(maxCharacters).stream().mapToInt(s -> s.text().length()).sum();
        return truncated > 0 || shown < length;
    }
}
