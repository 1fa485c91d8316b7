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
 */
public record LogLine(String index, String id, String timestamp, String host, String path, String file, long offset,
                      List<Segment> segments, int truncated, Map<String, String> labels, String cursor) {
}
