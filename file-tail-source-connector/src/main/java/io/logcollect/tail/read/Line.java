package io.logcollect.tail.read;

/**
 * One line of a file.
 *
 * @param offset     byte offset of its first byte
 * @param nextOffset byte offset just after its line terminator: where reading resumes
 * @param text       the decoded line without its terminator (and without a trailing carriage return)
 * @param truncated  the line was longer than the limit and only its head is in {@code text}
 */
public record Line(long offset, long nextOffset, String text, boolean truncated) {
}
