package io.logcollect.policy;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an entry reads the time of a line from the line itself (the entry's {@code timestamp} setting), so that
 * {@code @timestamp} is when the event happened: a backfill lands in the index of its own day, and a line read
 * again after a crash lands in the same daily index as its first copy.
 *
 * <p>The text is the first group of {@code pattern} (or its group named {@code ts}) where one is set, else the
 * start of the line. {@code format} is a {@link DateTimeFormatter} pattern, or {@code ISO8601}, {@code UNIX}
 * (seconds, fractions allowed) or {@code UNIX_MS}. A time without an offset is in {@code zone}; a date without
 * a year (syslog's {@code MMM d HH:mm:ss}) is in the year that puts it at most a day in the future.
 */
public final class TimestampRule {

    /** The formats that are not {@link DateTimeFormatter} patterns. */
    public static final String ISO8601 = "ISO8601";
    public static final String UNIX = "UNIX";
    public static final String UNIX_MS = "UNIX_MS";
    private static final long DAY_MILLIS = 86_400_000L;

    private final Pattern pattern;
    private final String format;
    private final DateTimeFormatter formatter;
    private final ZoneId zone;

    private TimestampRule(Pattern pattern, String format, DateTimeFormatter formatter, ZoneId zone) {
        this.pattern = pattern;
        this.format = format;
        this.formatter = formatter;
        this.zone = zone;
    }

    /**
     * Compiles a rule, failing with an {@link IllegalArgumentException} that names the setting at fault.
     *
     * @param regex  where the timestamp is in the line; null for the start of the line
     * @param format a {@link DateTimeFormatter} pattern, {@code ISO8601}, {@code UNIX} or {@code UNIX_MS}
     * @param zone   zone of times without an offset
     * @param locale language of month and day names
     */
    public static TimestampRule compile(String regex, String format, ZoneId zone, Locale locale) {
        Pattern pattern = null;
        if (regex != null) {
            try {
                pattern = Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("timestamp.pattern is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }
        DateTimeFormatter formatter = switch (format) {
            case ISO8601 -> new DateTimeFormatterBuilder().parseCaseInsensitive()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
                    .optionalStart().appendLiteral(' ').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME)
                    .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
                    .optionalStart().appendOffset("+HHMM", "Z").optionalEnd().toFormatter(Locale.ROOT);
            case UNIX, UNIX_MS -> null;
            default -> {
                try {
                    yield DateTimeFormatter.ofPattern(format, locale);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("timestamp.format '" + format
                            + "' is not a java.time pattern, ISO8601, UNIX or UNIX_MS: " + e.getMessage());
                }
            }
        };
        return new TimestampRule(pattern, format, formatter, zone);
    }

    /** The time a line carries, in epoch milliseconds; empty when the line has none the rule can read. */
    public OptionalLong parse(CharSequence line, long nowMillis) {
        CharSequence text = line;
        if (pattern != null) {
            Matcher matcher = pattern.matcher(line);
            if (!matcher.find()) {
                return OptionalLong.empty();
            }
            text = matcher.groupCount() == 0 ? matcher.group() : group(matcher);
            if (text == null) {
                return OptionalLong.empty();
            }
        }
        try {
            return switch (format) {
                case UNIX -> OptionalLong.of(new BigDecimal(leadingNumber(text)).movePointRight(3).longValue());
                case UNIX_MS -> OptionalLong.of(Long.parseLong(leadingNumber(text)));
                default -> OptionalLong.of(resolve(formatter.parse(text, new java.text.ParsePosition(0)), nowMillis));
            };
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String group(Matcher matcher) {
        try {
            return matcher.group("ts");
        } catch (IllegalArgumentException e) {
            return matcher.group(1);
        }
    }

    private static String leadingNumber(CharSequence text) {
        int end = 0;
        while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
            end++;
        }
        return text.subSequence(0, end).toString();
    }

    private long resolve(TemporalAccessor parsed, long nowMillis) {
        if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(parsed).toEpochMilli();
        }
        ZoneId in = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                ? java.time.ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)) : zone;
        LocalTime time = parsed.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(parsed) : LocalTime.MIDNIGHT;
        if (parsed.isSupported(ChronoField.YEAR)) {
            return ZonedDateTime.of(LocalDateTime.of(java.time.LocalDate.from(parsed), time), in)
                    .toInstant().toEpochMilli();
        }
        MonthDay day = MonthDay.from(parsed);
        int year = Instant.ofEpochMilli(nowMillis).atZone(in).getYear();
        long millis = ZonedDateTime.of(LocalDateTime.of(day.atYear(year), time), in).toInstant().toEpochMilli();
        if (millis > nowMillis + DAY_MILLIS) {
            millis = ZonedDateTime.of(LocalDateTime.of(day.atYear(year - 1), time), in).toInstant().toEpochMilli();
        }
        return millis;
    }
}
