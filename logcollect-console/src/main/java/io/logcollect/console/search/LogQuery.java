package io.logcollect.console.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A search as the URL holds it, so it can be shared: the text, how it is read, the time range and the field
 * filters. Builds the engine's {@code bool} query.
 *
 * @param text    what to look for in {@code message}; blank for everything
 * @param lucene  Lucene syntax ({@code query_string}, whose syntax errors are reported) instead of
 *                {@code simple_query_string} (which never fails)
 * @param range   a quick range ({@code 15m}, {@code 1h}, ...) ending now, or {@code custom} for from/to
 * @param from    start of the range, inclusive
 * @param to      end of the range, inclusive
 * @param filters field filters, ANDed
 * @param layout  how the lines are shown: the fields as columns, and whether one row per line
 */
public record LogQuery(String text, boolean lucene, String range, Instant from, Instant to, List<Filter> filters,
                       Layout layout) {

    /**
     * How the lines are shown.
     *
     * @param columns fields shown beside each line's time (their values, as the document holds them)
     * @param compact one row per line (the first line of its message) instead of the whole line under its fields
     */
    public record Layout(List<String> columns, boolean compact) {
        public static final Layout DEFAULT = new Layout(List.of(), false);
        public static final int MAX_COLUMNS = 10;

        static Layout parse(String columns, String view) {
            List<String> fields = columns == null ? List.of() : java.util.Arrays.stream(columns.split(","))
                    .map(String::strip).filter(Hits::isFieldName).distinct().limit(MAX_COLUMNS)
                    .toList();
            return new Layout(fields, "compact".equals(view));
        }
    }

    /** When the sink sent a line to the engine. */
    public static final String INGESTED = "event.ingested";
    /** The quick ranges offered, in order. */
    public static final List<String> QUICK_RANGES = List.of("15m", "1h", "4h", "24h", "7d", "30d");
    /** Fields a filter may name: the sidebar's and any label. */
    private static final Pattern FILTERABLE = Pattern.compile("host\\.name|log\\.file\\.path|labels\\.[A-Za-z0-9_.-]+");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * {@code field = value}, or {@code field != value} when excluded; with no value (null), the field exists in the
     * line, or does not when excluded.
     */
    public record Filter(String field, String value, boolean exclude) {

        /** Lines that have {@code field} (any value), or that lack it when {@code exclude}. */
        public static Filter exists(String field, boolean exclude) {
            return new Filter(field, null, exclude);
        }

        /** As the URL holds it: {@code field:value}, {@code -field:value}; {@code field}, {@code -field}. */
        public String token() {
            return (exclude ? "-" : "") + field + (value == null ? "" : ":" + value);
        }

        /** As the page shows it. */
        public String label() {
            if (value == null) {
                return field + (exclude ? " missing" : " exists");
            }
            return (exclude ? "not " : "") + field + ": " + value;
        }

        static Optional<Filter> parse(String token) {
            boolean exclude = token.startsWith("-");
            String rest = exclude ? token.substring(1) : token;
            int colon = rest.indexOf(':');
            String field = colon < 0 ? rest : rest.substring(0, colon);
            if (field.isEmpty() || !FILTERABLE.matcher(field).matches()) {
                return Optional.empty();
            }
            return Optional.of(new Filter(field, colon < 0 ? null : rest.substring(colon + 1), exclude));
        }
    }

    /**
     * The search in request parameters; unknown or malformed ones fall back to the defaults (last 15 minutes,
     * everything).
     */
    public static LogQuery fromParameters(Function<String, String> single, Function<String, List<String>> all,
                                          Instant now) {
        String text = Optional.ofNullable(single.apply("q")).orElse("").strip();
        boolean lucene = "lucene".equals(single.apply("mode"));
        String range = Optional.ofNullable(single.apply("range")).orElse("15m");
        Instant from;
        Instant to;
        if (range.equals("custom")) {
            to = instant(single.apply("to")).orElse(now);
            from = instant(single.apply("from")).orElse(to.minus(Duration.ofMinutes(15)));
            if (from.isAfter(to)) {
                Instant swap = from;
                from = to;
                to = swap;
            }
        } else {
            if (!QUICK_RANGES.contains(range)) {
                range = "15m";
            }
            to = now;
            from = now.minus(duration(range));
        }
        List<Filter> filters = new ArrayList<>();
        for (String token : Optional.ofNullable(all.apply("f")).orElse(List.of())) {
            Filter.parse(token).ifPresent(filters::add);
        }
        return new LogQuery(text, lucene, range, from, to, List.copyOf(filters),
                Layout.parse(single.apply("cols"), single.apply("view")));
    }

    /** A quick range's length: a number and m, h or d. */
    public static Duration duration(String quickRange) {
        long amount = Long.parseLong(quickRange.substring(0, quickRange.length() - 1));
        return switch (quickRange.charAt(quickRange.length() - 1)) {
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Optional<Instant> instant(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * This search if its range is no longer than {@code longest}; else the same search over the last
     * {@code longest} of it (this very instance when unchanged).
     */
    public LogQuery atMost(Duration longest) {
        if (Duration.between(from, to).compareTo(longest) <= 0) {
            return this;
        }
        return new LogQuery(text, lucene, "custom", to.minus(longest), to, filters, layout);
    }

    /** A range length as people say it: 31 days, 12 hours, 90 minutes. */
    public static String label(Duration length) {
        if (length.toMinutes() % (24 * 60) == 0) {
            return length.toDays() + (length.toDays() == 1 ? " day" : " days");
        }
        if (length.toMinutes() % 60 == 0) {
            return length.toHours() + (length.toHours() == 1 ? " hour" : " hours");
        }
        return length.toMinutes() + " minutes";
    }

    /** The same search over another time range (a zoom), kept absolute. */
    public LogQuery between(Instant newFrom, Instant newTo) {
        return new LogQuery(text, lucene, "custom", newFrom, newTo, filters, layout);
    }

    /** The same search with one more filter (or with it replaced when it names the same field and value). */
    public LogQuery with(Filter filter) {
        List<Filter> changed = new ArrayList<>(filters.stream()
                .filter(f -> !(f.field().equals(filter.field()) && Objects.equals(f.value(), filter.value())))
                .toList());
        changed.add(filter);
        return new LogQuery(text, lucene, range, from, to, List.copyOf(changed), layout);
    }

    public LogQuery without(Filter filter) {
        return new LogQuery(text, lucene, range, from, to,
                filters.stream().filter(f -> !f.equals(filter)).toList(), layout);
    }

    /** A request parameter, as a URL or a form's hidden field holds it. */
    public record Parameter(String name, String value) {
    }

    /** The request parameters of this search, in the order a URL holds them; empty ones left out. */
    public List<Parameter> parameters() {
        List<Parameter> parameters = new ArrayList<>();
        if (!text.isEmpty()) {
            parameters.add(new Parameter("q", text));
        }
        if (lucene) {
            parameters.add(new Parameter("mode", "lucene"));
        }
        parameters.add(new Parameter("range", range));
        if (range.equals("custom")) {
            parameters.add(new Parameter("from", from.toString()));
            parameters.add(new Parameter("to", to.toString()));
        }
        filters.forEach(filter -> parameters.add(new Parameter("f", filter.token())));
        if (!layout.columns().isEmpty()) {
            parameters.add(new Parameter("cols", String.join(",", layout.columns())));
        }
        if (layout.compact()) {
            parameters.add(new Parameter("view", "compact"));
        }
        return parameters;
    }

    /** The URL query string of this search (no leading {@code ?}). */
    public String queryString() {
        return parameters().stream().map(p -> p.name() + "=" + URLEncoder.encode(p.value(), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&"));
    }

    /** The same search with its range made absolute, for what must keep showing the same documents. */
    public LogQuery pinned() {
        return between(from, to);
    }

    /** The query string with the range made absolute, for links that must keep showing the same documents. */
    public String pinnedQueryString() {
        return pinned().queryString();
    }

    /** The engine's query: the text in {@code message}, the time range and the filters. */
    public ObjectNode toEngineQuery() {
        return engineQuery("@timestamp", from, to);
    }

    /**
     * The same query over the time lines reached the engine ({@code event.ingested}, which the sink adds) instead
     * of their own: the live tail's, which must show a line that arrives late.
     */
    public ObjectNode ingestedBetween(Instant since, Instant until) {
        return engineQuery(INGESTED, since, until);
    }

    private ObjectNode engineQuery(String timeField, Instant since, Instant until) {
        ObjectNode query = MAPPER.createObjectNode();
        ObjectNode bool = query.putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        ObjectNode time = filter.addObject().putObject("range").putObject(timeField);
        time.put("gte", since.toEpochMilli()).put("lte", until.toEpochMilli()).put("format", "epoch_millis");
        ArrayNode mustNot = bool.putArray("must_not");
        for (Filter f : filters) {
            ObjectNode clause = (f.exclude() ? mustNot : filter).addObject();
            if (f.value() == null) {
                clause.putObject("exists").put("field", f.field());
            } else {
                clause.putObject("term").put(f.field(), f.value());
            }
        }
        if (!text.isEmpty()) {
            ArrayNode must = bool.putArray("must");
            // what one viewer's query may cost the engine is bounded: no prefix or fuzzy expansion in the simple
            // mode, no leading wildcard and bounded regexes and fuzzy terms in the Lucene mode
            if (lucene) {
                must.addObject().putObject("query_string").put("query", text).put("default_field", "message")
                        .put("allow_leading_wildcard", false).put("max_determinized_states", 1000)
                        .put("fuzzy_max_expansions", 10);
            } else {
                ObjectNode simple = must.addObject().putObject("simple_query_string");
                simple.put("query", text).put("default_operator", "and").put("lenient", true)
                        .put("flags", "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE");
                simple.putArray("fields").add("message");
            }
        }
        return query;
    }
}
