package io.logcollect.policy;

import java.util.regex.Pattern;

/**
 * How lines are grouped into one record, with Filebeat's semantics: a line "matches" when {@code pattern}
 * finds a match in it (inverted by {@code negate}); with {@code match=after} matching lines are appended to
 * the record of the line before them (stack traces: {@code ^[ \t]|^Caused by:}); with {@code match=before}
 * matching lines start a record that the next non-matching line completes.
 *
 * @param pattern   searched in each line
 * @param negate    group the lines that do NOT match
 * @param match     {@code after} or {@code before}
 * @param maxLines  lines beyond this are dropped from the record, which is flagged truncated
 * @param timeoutMs a pending record is emitted when no line joined it for this long
 */
public record Multiline(Pattern pattern, boolean negate, Match match, int maxLines, long timeoutMs) {

    public static final int DEFAULT_MAX_LINES = 500;
    public static final long DEFAULT_TIMEOUT_MS = 2000;

    /** Which side of a matching line its group lies. */
    public enum Match { AFTER, BEFORE }

    /** Whether {@code line} continues a group (after applying {@code negate}). */
    public boolean continues(CharSequence line) {
        return pattern.matcher(line).find() != negate;
    }
}
