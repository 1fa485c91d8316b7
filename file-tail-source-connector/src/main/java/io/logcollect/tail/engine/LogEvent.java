package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;

/**
 * One record read from a file: a line, or the lines of a multiline group.
 *
 * @param entry          the entry that collects the file
 * @param path           the file's path when it was read
 * @param fileIdentity   {@link io.logcollect.tail.identity.FileIdentity#key()}
 * @param position       where to resume the file once this event is delivered
 * @param offset         byte offset of the event's first line
 * @param message        the text
 * @param multiline      the event joins several lines
 * @param truncated      the event was cut to {@code max_line_bytes} or {@code max_lines}
 * @param readTimeMillis when it was read
 * @param eventId        deterministic id, see {@link io.logcollect.tail.identity.EventIds}
 */
public record LogEvent(CollectionEntry entry, String path, String fileIdentity, FilePosition position, long offset,
                       String message, boolean multiline, boolean truncated, long readTimeMillis, String eventId) {
}
