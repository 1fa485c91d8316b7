package io.logcollect.tail.engine;

/**
 * Where reading of one file resumes: the byte after the last delivered record, within the file's current
 * truncation epoch, and when the file's entry was first applied (for {@code start_at} after restarts).
 *
 * @param position  byte offset of the next line to read
 * @param epoch     how many times the file was seen truncated
 * @param appliedAt epoch millis at which the entry was first applied
 */
public record FilePosition(long position, int epoch, long appliedAt) {
}
