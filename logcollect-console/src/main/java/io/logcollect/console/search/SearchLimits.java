package io.logcollect.console.search;

import java.time.Duration;

/**
 * What one search may ask of the engine, as the admin sets it.
 *
 * @param exportMaxLines the lines one export writes at most
 * @param maxRange       the longest time range a viewer or editor may search (admins any): a longer one is narrowed
 *                       to its last part, and the page says so
 */
public record SearchLimits(long exportMaxLines, Duration maxRange) {

    public static final SearchLimits DEFAULTS = new SearchLimits(1_000_000, Duration.ofDays(31));

    public SearchLimits {
        if (exportMaxLines < 1 || maxRange.isNegative() || maxRange.isZero()) {
            throw new IllegalArgumentException("search limits must be positive: " + exportMaxLines + " lines, "
                    + maxRange);
        }
    }

    /** A range length as the options write it: a number and m, h or d (e.g. 31d). */
    public static Duration range(String text) {
        if (text == null || !text.matches("\\d{1,6}[mhd]")) {
            throw new IllegalArgumentException("'" + text + "' is not a range such as 12h or 31d");
        }
        return LogQuery.duration(text);
    }
}
