package io.logcollect.es.document;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An index name format such as {@code {topic}-{yyyy.MM.dd}}: literal text, {@code {topic}} (the topic in lower
 * case) and date patterns applied to a timestamp in a zone. Names are cached per topic and second, so formatting
 * costs a map lookup for a stream of records with close timestamps. Not thread-safe.
 */
public final class IndexNameFormat {

    private static final String TOPIC = "topic";

    private final String format;
    private final List<Object> parts;
    private final boolean hasDate;
    private final Map<String, Cached> cache = new HashMap<>();

    private record Cached(long second, String name) {
    }

    private IndexNameFormat(String format, List<Object> parts) {
        this.format = format;
        this.parts = parts;
        this.hasDate = parts.stream().anyMatch(p -> p instanceof DateTimeFormatter);
    }

    /** Parses a format; fails with a message naming what is wrong. */
    public static IndexNameFormat parse(String format, ZoneId zone) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("the index name format is empty");
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < format.length()) {
            int open = format.indexOf('{', i);
            if (open < 0) {
                parts.add(format.substring(i));
                break;
            }
            if (open > i) {
                parts.add(format.substring(i, open));
            }
            int close = format.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{' at position " + open);
            }
            String placeholder = format.substring(open + 1, close);
            if (placeholder.equals(TOPIC)) {
                parts.add(Placeholder.TOPIC);
            } else {
                if (placeholder.isEmpty()) {
                    throw new IllegalArgumentException("empty '{}' at position " + open);
                }
                if (placeholder.matches(".*[SAnN].*")) {
                    throw new IllegalArgumentException("date pattern {" + placeholder
                            + "} is finer than a second; use at most seconds");
                }
                try {
                    parts.add(DateTimeFormatter.ofPattern(placeholder, Locale.ROOT).withZone(zone));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("{" + placeholder + "} is not a date pattern: " + e.getMessage());
                }
            }
            i = close + 1;
        }
        for (Object part : parts) {
            if (part instanceof String literal && !literal.equals(literal.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("index names must be lower case: '" + literal + "'");
            }
        }
        return new IndexNameFormat(format, List.copyOf(parts));
    }

    private enum Placeholder { TOPIC }

    /** The index name of a record of {@code topic} with timestamp {@code epochMillis}. */
    public String format(String topic, long epochMillis) {
        long second = hasDate ? Math.floorDiv(epochMillis, 1000L) : 0L;
        Cached cached = cache.get(topic);
        if (cached != null && cached.second == second) {
            return cached.name;
        }
        String name = build(topic, epochMillis);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(topic, new Cached(second, name));
        return name;
    }

    private String build(String topic, long epochMillis) {
        StringBuilder out = new StringBuilder(32);
        Instant instant = null;
        for (Object part : parts) {
            if (part instanceof String literal) {
                out.append(literal);
            } else if (part == Placeholder.TOPIC) {
                out.append(topic.toLowerCase(Locale.ROOT));
            } else {
                if (instant == null) {
                    instant = Instant.ofEpochMilli(epochMillis);
                }
                out.append(((DateTimeFormatter) part).format(instant));
            }
        }
        return out.toString();
    }

    /**
     * The index pattern matching every name of a topic: {@code {topic}} replaced by the topic (or {@code *} when
     * {@code topic} is null) and every date part by {@code *}.
     */
    public String pattern(String topic) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String literal) {
                out.append(literal);
            } else if (part == Placeholder.TOPIC) {
                out.append(topic == null ? "*" : topic.toLowerCase(Locale.ROOT));
            } else if (out.length() == 0 || out.charAt(out.length() - 1) != '*') {
                out.append('*');
            }
        }
        return out.toString();
    }

    /**
     * The last day an index of {@code topic} named {@code name} holds (its day; the last of its month or year for a
     * monthly or yearly format), in the format's zone; empty when the name is not one this format gives the topic.
     */
    public Optional<LocalDate> lastDay(String topic, String name) {
        if (!hasDate) {
            return Optional.empty();
        }
        DateTimeFormatterBuilder parser = new DateTimeFormatterBuilder();
        for (Object part : parts) {
            if (part instanceof String literal) {
                parser.appendLiteral(literal);
            } else if (part == Placeholder.TOPIC) {
                parser.appendLiteral(topic.toLowerCase(Locale.ROOT));
            } else {
                parser.append((DateTimeFormatter) part);
            }
        }
        TemporalAccessor parsed;
        try {
            parsed = parser.toFormatter(Locale.ROOT).parse(name);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        ChronoField yearField = parsed.isSupported(ChronoField.YEAR) ? ChronoField.YEAR : ChronoField.YEAR_OF_ERA;
        if (!parsed.isSupported(yearField)) {
            return Optional.empty();
        }
        int year = parsed.get(yearField);
        if (!parsed.isSupported(ChronoField.MONTH_OF_YEAR)) {
            return Optional.of(LocalDate.of(year, 12, 31));
        }
        YearMonth month = YearMonth.of(year, parsed.get(ChronoField.MONTH_OF_YEAR));
        return Optional.of(parsed.isSupported(ChronoField.DAY_OF_MONTH)
                ? month.atDay(parsed.get(ChronoField.DAY_OF_MONTH)) : month.atEndOfMonth());
    }

    public boolean hasDate() {
        return hasDate;
    }

    @Override
    public String toString() {
        return format;
    }
}
