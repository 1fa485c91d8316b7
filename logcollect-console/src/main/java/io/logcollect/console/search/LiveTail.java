package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The live tail: the lines of a search that reached the engine after a cursor, in that order. It follows
 * {@code event.ingested}, which the sink adds, not {@code @timestamp}: a line read hours ago (after an outage) or
 * stamped by a skewed clock is still shown.
 */
public final class LiveTail {

    /** How long after reaching the engine a line is shown; see {@link #poll}. */
    public static final Duration SETTLE = Duration.ofSeconds(2);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;
    private final String index;
    private final Supplier<ObjectNode> highlight;

    LiveTail(RestClient client, String index, Supplier<ObjectNode> highlight) {
        this.client = client;
        this.index = index;
        this.highlight = highlight;
    }

    /** New lines and the cursor to ask from next time. */
    public record Poll(List<LogLine> lines, String cursor) {
    }

    /**
     * The lines that reached the engine after the cursor, in that order, at most {@code limit}; with no cursor,
     * none, and a cursor at {@code now} less {@link #SETTLE}.
     *
     * <p>The tail follows {@code event.ingested}, not {@code @timestamp}: a line read hours ago (after an outage)
     * or stamped by a skewed clock is still shown. A poll shows only lines that reached the engine at least
     * {@link #SETTLE} ago: one that came a little earlier than another may become searchable after it (each
     * shard refreshes on its own), and the cursor would otherwise have passed it.
     */
    public Poll poll(LogQuery query, Optional<String> cursor, Instant now, int limit) throws IOException {
        Instant until = now.minus(SETTLE);
        Optional<ArrayNode> position = cursor.flatMap(LiveTail::decodeCursor);
        if (position.isEmpty()) {
            return new Poll(List.of(), tailCursor(until));
        }
        Instant since = Instant.ofEpochMilli(position.get().get(0).asLong());
        if (until.isBefore(since)) {
            return new Poll(List.of(), cursor.get());
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", limit);
        body.set("query", query.ingestedBetween(since, until));
        ArrayNode sort = body.putArray("sort");
        sort.addObject().putObject(LogQuery.INGESTED).put("order", "asc").put("unmapped_type", "date");
        sort.addObject().putObject("event.id").put("order", "asc").put("unmapped_type", "keyword");
        body.set("search_after", position.get());
        body.set("highlight", highlight.get());
        JsonNode response;
        try {
            response = SearchRequests.search(client, index, body);
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 400) {
                return new Poll(List.of(), cursor.get());
            }
            throw e;
        }
        List<LogLine> lines = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            lines.add(Hits.line(hit, LogSearch.SHOWN_CHARACTERS, query.layout().columns()));
        }
        String next = lines.isEmpty() ? tailCursor(until) : lines.get(lines.size() - 1).cursor();
        return new Poll(lines, next);
    }

    /** A tail cursor after every line that reached the engine before {@code time}. */
    private static String tailCursor(Instant time) {
        return Hits.encodeCursor(MAPPER.createArrayNode().add(time.toEpochMilli() - 1).add("\uffff"));
    }

    /** The sort values of a tail cursor (time reached the engine, id); empty when it is not one. */
    static Optional<ArrayNode> decodeCursor(String cursor) {
        try {
            JsonNode node = MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node instanceof ArrayNode array && array.size() == 2 && array.get(0).isNumber()
                    && array.get(1).isTextual()) {
                return Optional.of(array);
            }
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
