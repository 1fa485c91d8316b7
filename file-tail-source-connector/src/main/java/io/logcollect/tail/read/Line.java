package io.logcollect.tail.read;

/**
 * One line of a file.
 *
 * @param offset     byte offset of its first byte
 * @param nextOffset byte offset just after its line terminator: where reading resumes
 * @param text       the decoded line without its terminator (and without a trailing carriage return)
 * @param truncated  the line was longer than the limit and only its head is in {@code text}
 * @param plain      every character of {@code text} is ASCII from space to DEL (0x20-0x7F) other than the quote and
 *                   the backslash, as found while the line was cut: JSON holds such text as its bytes, unescaped
 *                   (false says nothing: the reader notes it in some charsets only)
 */
public record Line(long offset, long nextOffset, String text, boolean truncated, boolean plain) {
}
