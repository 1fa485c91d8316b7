package io.logcollect.console.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.search.client.EngineInfo;
import io.logcollect.search.client.SearchAdmin;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Searches the log indices of Elasticsearch or OpenSearch (both speak the same {@code _search} for what is used
 * here): a page of documents newest first with matches highlighted and paging by {@code search_after}, the
 * sidebar's top values, the histogram, one document, the lines around one, and the lines newer than a cursor.
 */
public final class LogSearch {

    /** How long the engine may search before it answers with what it has (shown as incomplete). */
    static final String SEARCH_TIMEOUT = "20s";

    /** Characters of a message shown in a list; the document page shows it whole. */
    public static final int SHOWN_CHARACTERS = 4_000;
    /** How far before and after a line its surrounding lines are looked for. */
    private static final Duration SURROUNDING_WINDOW = Duration.ofDays(1);
    static final List<String> SIDEBAR_FIELDS = List.of("host.name", "log.file.path");
    private static final long[] INTERVALS = {1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000,
            3_600_000, 10_800_000, 43_200_000, 86_400_000, 604_800_000};
    private static final int MAX_BUCKETS = 120;
    private static final long LABEL_CACHE_MILLIS = 60_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;
    private final String index;
    /** Characters of a field the engine analyzes to highlight it (its own limit is usually a million). */
    private static final int HIGHLIGHT_LIMIT = 500_000;

    /** How long a point in time opened for paging lives after each page. */

    private volatile EngineInfo engine;
    private volatile List<String> labelFields = List.of();
    private volatile long labelFieldsRead;

    private final PointsInTime pointsInTime;
    private final LiveTail liveTail;

    public LogSearch(RestClient client, String index) {
        this.client = client;
        this.index = index;
        this.pointsInTime = new PointsInTime(client, index, this::engine, Clock.systemUTC());
        this.liveTail = new LiveTail(client, index, this::highlight);
    }

    /**
     * The lines that reached the engine after the cursor, in that order (see {@link LiveTail}); with no cursor,
     * none, and the cursor to start from.
     */
    public LiveTail.Poll tail(LogQuery query, Optional<String> cursor, Instant now, int limit) throws IOException {
        return liveTail.poll(query, cursor, now, limit);
    }

    /** Exports of searches, in points in time of their own. */
    public LogExport export() {
        return export(LogExport.PAGE);
    }

    /** An export that reads {@code pageLines} lines a request. */
    LogExport export(int pageLines) {
        return new LogExport(client, index, pointsInTime, pageLines);
    }

    /**
     * One page of documents matching the query, newest first, after the cursor (the first page without). Pages
     * after the first are read in a point in time where the engine has one ({@code pointInTime}: the one the
     * previous page opened, or a new one), so paging deep sees one unchanging set of documents.
     */
    public SearchResult search(LogQuery query, int size, Optional<String> after, Optional<String> pointInTime,
                               String session) throws IOException {
        Optional<ArrayNode> cursor = after.flatMap(Hits::decodeCursor);
        Optional<String> opened = cursor.isPresent()
                ? pointInTime.flatMap(pointsInTime::ours).or(pointsInTime::open) : Optional.empty();
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", size);
        body.put("track_total_hits", SearchResult.COUNT_LIMIT);
        body.put("timeout", SEARCH_TIMEOUT);
        body.set("query", query.toEngineQuery());
        body.set("sort", sort("desc"));
        opened.ifPresent(id -> body.putObject("pit").put("id", id).put("keep_alive", PointsInTime.KEEP_ALIVE));
        cursor.ifPresent(values -> body.set("search_after", opened.isPresent() ? inPointInTime(values)
                : withoutTiebreaker(values)));
        Optional<String> pit = opened;
        body.set("highlight", highlight());
        ObjectNode aggs = body.putObject("aggs");
        List<String> sidebar = new ArrayList<>(SIDEBAR_FIELDS);
        sidebar.addAll(labelFields());
        for (String field : sidebar) {
            aggs.putObject(field).putObject("terms").put("field", field).put("size", 10);
        }
        JsonNode response;
        long started = System.nanoTime();
        try {
            response = search(body);
        } catch (ResponseException e) {
            Optional<String> reason = reason(e);
            if (body.has("pit") && e.getResponse().getStatusLine().getStatusCode() < 500) {
                // the point in time expired (or was never known here): page on without one, the range is pinned
                body.remove("pit");
                cursor.ifPresent(values -> body.set("search_after", withoutTiebreaker(values)));
                pit = Optional.empty();
                response = search(body);
            } else if (e.getResponse().getStatusLine().getStatusCode() == 400 && reason.isPresent()
                    && reason.get().contains("analyze")) {
                // a message longer than the engine highlights: show the page without highlights
                body.remove("highlight");
                response = search(body);
            } else if (e.getResponse().getStatusLine().getStatusCode() == 400) {
                return SearchResult.refused(reason.orElse("the search engine refused the query"));
            } else {
                throw e;
            }
        }
        double engineMillis = (System.nanoTime() - started) / 1e6;
        Optional<String> queryError = Completeness.queryError(response);
        if (queryError.isPresent()) {
            return SearchResult.refused(queryError.get());
        }
        List<LogLine> lines = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            lines.add(Hits.line(hit, SHOWN_CHARACTERS, query.layout().columns()));
        }
        List<SearchResult.FieldValues> fields = new ArrayList<>();
        for (String field : sidebar) {
            List<SearchResult.Count> counts = new ArrayList<>();
            for (JsonNode bucket : response.path("aggregations").path(field).path("buckets")) {
                counts.add(new SearchResult.Count(Segment.visible(bucket.path("key").asText()),
                        bucket.path("doc_count").asLong()));
            }
            if (!counts.isEmpty()) {
                fields.add(new SearchResult.FieldValues(field, counts));
            }
        }
        SearchResult.Total total = SearchResult.Total.of(response.path("hits").path("total"));
        Optional<String> next = lines.size() == size ? Optional.of(lines.get(lines.size() - 1).cursor())
                : Optional.empty();
        Optional<String> nextPointInTime = response.hasNonNull("pit_id")
                ? Optional.of(response.get("pit_id").asText()) : pit;
        nextPointInTime.ifPresent(id -> pointsInTime.use(session, id));
        return new SearchResult(total, lines, fields, next, nextPointInTime, Optional.empty(), engineMillis,
                Completeness.of(response));
    }

    /** Hits over time in about {@value #MAX_BUCKETS} buckets or fewer, empty buckets included. */
    public Histogram histogram(LogQuery query) throws IOException {
        long span = Math.max(1, query.to().toEpochMilli() - query.from().toEpochMilli());
        long interval = INTERVALS[INTERVALS.length - 1];
        for (long candidate : INTERVALS) {
            if (span / candidate <= MAX_BUCKETS) {
                interval = candidate;
                break;
            }
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        body.put("track_total_hits", false);
        body.put("timeout", SEARCH_TIMEOUT);
        body.set("query", query.toEngineQuery());
        ObjectNode histogram = body.putObject("aggs").putObject("hits").putObject("date_histogram");
        histogram.put("field", "@timestamp").put("fixed_interval", (interval / 1000) + "s").put("min_doc_count", 0);
        histogram.putObject("extended_bounds").put("min", query.from().toEpochMilli())
                .put("max", query.to().toEpochMilli());
        JsonNode response;
        long started = System.nanoTime();
        try {
            response = SearchRequests.search(client, index, body);
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 400) {
                return new Histogram(interval, List.of(), 0);
            }
            throw e;
        }
        double engineMillis = (System.nanoTime() - started) / 1e6;
        List<Histogram.Bucket> buckets = new ArrayList<>();
        for (JsonNode bucket : response.path("aggregations").path("hits").path("buckets")) {
            buckets.add(new Histogram.Bucket(bucket.path("key").asLong(), bucket.path("doc_count").asLong()));
        }
        return new Histogram(interval, buckets, engineMillis);
    }

    /**
     * One document by its index and id, with its whole message; only from the indices of {@code search.index}: the
     * lookup is a search of that pattern for the index and id the URL names, so a URL naming any other index (a
     * security index, another team's) finds nothing, whatever the console's credentials could read.
     */
    public Optional<Document> document(String documentIndex, String id) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 1);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("_index", documentIndex);
        filter.addObject().putObject("ids").putArray("values").add(id);
        JsonNode hits = SearchRequests.search(client, index, body).path("hits").path("hits");
        if (hits.isEmpty()) {
            return Optional.empty();
        }
        JsonNode hit = hits.get(0);
        LogLine line = Hits.line(hit, Integer.MAX_VALUE);
        Map<String, String> fields = new LinkedHashMap<>();
        Hits.flatten("", hit.path("_source"), fields);
        return Optional.of(new Document(line, fields));
    }

    /**
     * The {@code count} lines before and after a line in its own file (same host and file fingerprint, or path
     * for lines that carry no fingerprint; by offset), oldest first, the line itself included.
     */
    public Optional<Surrounding> surrounding(String documentIndex, String id, int count) throws IOException {
        Optional<Document> found = document(documentIndex, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LogLine center = found.get().line();
        List<LogLine> before = around(center, "lt", "desc", count);
        Collections.reverse(before);
        List<LogLine> after = around(center, "gt", "asc", count);
        return Optional.of(new Surrounding(center, before, after));
    }

    /**
     * Hits over time.
     *
     * @param engineMillis how long the engine took to answer, as the console saw it
     */
    public record Histogram(long intervalMillis, List<Bucket> buckets, double engineMillis) {
        public record Bucket(long start, long count) {
        }
    }

    /** A document whole: its line and every field flattened to dotted names. */
    public record Document(LogLine line, Map<String, String> fields) {
    }

    public record Surrounding(LogLine center, List<LogLine> before, List<LogLine> after) {
    }

    private List<LogLine> around(LogLine center, String direction, String order, int count) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", count);
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("term").put("host.name", center.host());
        if (center.file().isEmpty()) {
            filter.addObject().putObject("term").put("log.file.path", center.path());
        } else {
            filter.addObject().putObject("term").put("log.file.fingerprint", center.file());
        }
        filter.addObject().putObject("range").putObject("log.offset").put(direction, center.offset());
        Instant time = parseTime(center.timestamp());
        if (time != null) {
            // a file's neighbouring lines were read within hours of each other: no need to search every day
            filter.addObject().putObject("range").putObject("@timestamp")
                    .put("gte", time.minus(SURROUNDING_WINDOW).toEpochMilli())
                    .put("lte", time.plus(SURROUNDING_WINDOW).toEpochMilli()).put("format", "epoch_millis");
        }
        body.putArray("sort").addObject().putObject("log.offset").put("order", order);
        JsonNode response = SearchRequests.search(client, index, body);
        List<LogLine> lines = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            lines.add(Hits.line(hit, SHOWN_CHARACTERS));
        }
        return lines;
    }

    private static Instant parseTime(String time) {
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private JsonNode search(ObjectNode body) throws IOException {
        return body.has("pit") ? SearchRequests.searchPointInTime(client, body)
                : SearchRequests.search(client, index, body);
    }

    /**
     * The cursor for a search in a point in time. Elasticsearch adds a tiebreaker to the sort there; a cursor
     * from a page read outside one has no value for it, and our three values already name one document, so the
     * largest value stands for "after that document".
     */
    private ArrayNode inPointInTime(ArrayNode values) {
        boolean tiebreaker = engine().map(e -> e.flavor().equals(EngineInfo.ELASTICSEARCH)).orElse(false);
        if (tiebreaker && values.size() == 3) {
            return values.deepCopy().add(Long.MAX_VALUE);
        }
        return values;
    }

    /** Our three sort values, without the tiebreaker an engine adds in a point in time. */
    private static ArrayNode withoutTiebreaker(ArrayNode values) {
        ArrayNode ours = MAPPER.createArrayNode();
        for (int i = 0; i < 3; i++) {
            ours.add(values.get(i));
        }
        return ours;
    }

    private List<String> labelFields() {
        long now = System.currentTimeMillis();
        if (now - labelFieldsRead < LABEL_CACHE_MILLIS) {
            return labelFields;
        }
        TreeSet<String> names = new TreeSet<>();
        try {
            Request request = new Request("GET", "/" + index + "/_mapping/field/labels.*");
            request.addParameter("ignore_unavailable", "true");
            request.addParameter("allow_no_indices", "true");
            JsonNode response = SearchRequests.read(client.performRequest(request));
            response.forEach(indexMapping -> indexMapping.path("mappings").fieldNames().forEachRemaining(names::add));
        } catch (IOException e) {
            return labelFields;
        }
        labelFields = List.copyOf(names);
        labelFieldsRead = now;
        return labelFields;
    }

    /** Which engine answers, asked once; empty while it cannot be told. */
    private Optional<EngineInfo> engine() {
        EngineInfo known = engine;
        if (known == null) {
            try {
                known = new SearchAdmin(client).detect();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
            engine = known;
        }
        return Optional.of(known);
    }

    /** Newest (or oldest) first, then by offset and id: a total order of one file's lines. */
    static ArrayNode sort(String order) {
        ArrayNode sort = MAPPER.createArrayNode();
        sort.addObject().putObject("@timestamp").put("order", order);
        sort.addObject().putObject("log.offset").put("order", order).put("unmapped_type", "long");
        sort.addObject().putObject("event.id").put("order", order).put("unmapped_type", "keyword");
        return sort;
    }

    private ObjectNode highlight() {
        ObjectNode highlight = MAPPER.createObjectNode();
        engine().flatMap(EngineInfo::highlightLimitParameter)
                .ifPresent(parameter -> highlight.put(parameter, HIGHLIGHT_LIMIT));
        highlight.putArray("pre_tags").add(Segment.MARK_START);
        highlight.putArray("post_tags").add(Segment.MARK_END);
        highlight.putObject("fields").putObject("message").put("number_of_fragments", 0);
        return highlight;
    }

    /** The engine's reason for refusing a request: the innermost cause it names. */
    private static Optional<String> reason(ResponseException e) {
        try (InputStream in = e.getResponse().getEntity().getContent()) {
            JsonNode error = MAPPER.readTree(in).path("error");
            JsonNode cause = error;
            while (cause.has("caused_by")) {
                cause = cause.get("caused_by");
            }
            JsonNode root = error.path("root_cause").path(0);
            String reason = cause.path("reason").asText(root.path("reason").asText(error.path("reason").asText("")));
            return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
        } catch (IOException | RuntimeException parse) {
            return Optional.empty();
        }
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
