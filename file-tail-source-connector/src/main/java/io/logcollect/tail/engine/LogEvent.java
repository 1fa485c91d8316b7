package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.identity.FileIdentity;

/**
 * One record read from a file: a line, or the lines of a multiline group.
 *
 * @param entry           the entry that collects the file
 * @param path            the file's path when it was read
 * @param file            the identity of the file read
 * @param position        where to resume the file once this event is delivered
 * @param offset          byte offset of the event's first line
 * @param message         the text
 * @param plainMessage    the text is plain as {@link io.logcollect.tail.read.Line#plain()} says (false: not known)
 * @param multiline       the event joins several lines
 * @param truncated       the event was cut to {@code max_line_bytes} or {@code max_lines}
 * @param readTimeMillis  when it was read
 * @param eventId         deterministic id, see {@link io.logcollect.tail.identity.EventIds}
 * @param timestampMillis the event's time: read from the line by the entry's timestamp rule, else when it was read
 * @param timestampSource where {@code timestampMillis} comes from
 */
public record LogEvent(CollectionEntry entry, String path, FileIdentity file, FilePosition position, long offset,
                       String message, boolean plainMessage, boolean multiline, boolean truncated,
                       long readTimeMillis, String eventId, long timestampMillis, TimestampSource timestampSource) {

    /** Where an event's time comes from. */
    public enum TimestampSource {
        /** The entry reads no time from its lines: the time the line was read. */
        READ,
        /** The time written in the line. */
        LINE,
        /** The entry reads times from its lines, but this one has none it could read: the time it was read. */
        UNPARSED
    }

    /** An event whose time is when it was read. */
    public LogEvent(CollectionEntry entry, String path, FileIdentity file, FilePosition position, long offset,
                    String message, boolean multiline, boolean truncated, long readTimeMillis, String eventId) {
        this(entry, path, file, position, offset, message, false, multiline, truncated, readTimeMillis, eventId,
                readTimeMillis, TimestampSource.READ);
    }

    /** The file's {@link FileIdentity#key()}: its source partition and the seed of its event ids. */
    public String fileIdentity() {
        return file.key();
    }
}
