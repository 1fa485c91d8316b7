package io.logcollect.console.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.console.search.SearchRequests;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sink tasks' delivery ledgers, from the status documents they index (DESIGN.md section 9): per task, the
 * newest of the last hour.
 */
public final class SinkLedgers {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration RECENT = Duration.ofHours(1);

    /** One task's ledger as it last reported it. */
    public record Ledger(String task, Instant time, long received, long acknowledged, long deadLettered,
                         long dropped, long letGo, long open, String committable) {
    }

    private final RestClient client;
    private final String statusIndex;

    public SinkLedgers(RestClient client, String statusIndex) {
        this.client = client;
        this.statusIndex = statusIndex;
    }

    public List<Ledger> read() throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        var filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("event.dataset", "logcollect.sink");
        filter.addObject().putObject("range").putObject("@timestamp")
                .put("gte", Instant.now().minus(RECENT).toEpochMilli()).put("format", "epoch_millis");
        ObjectNode tasks = body.putObject("aggs").putObject("tasks");
        tasks.putObject("terms").put("field", "agent.id").put("size", 1000);
        ObjectNode latest = tasks.putObject("aggs").putObject("latest").putObject("top_hits");
        latest.put("size", 1);
        latest.putArray("sort").addObject().putObject("@timestamp").put("order", "desc");
        JsonNode response = SearchRequests.search(client, statusIndex, body);
        List<Ledger> ledgers = new ArrayList<>();
        for (JsonNode bucket : response.path("aggregations").path("tasks").path("buckets")) {
            JsonNode source = bucket.path("latest").path("hits").path("hits").path(0).path("_source");
            JsonNode sink = source.path("logcollect").path("sink");
            StringBuilder committable = new StringBuilder();
            for (JsonNode offset : sink.path("committable")) {
                if (!committable.isEmpty()) {
                    committable.append(", ");
                }
                committable.append(offset.path("topic").asText()).append('-').append(offset.path("partition").asInt())
                        .append('@').append(offset.path("offset").asLong());
            }
            ledgers.add(new Ledger(source.path("agent").path("id").asText(), time(source), sink.path("received").asLong(),
                    sink.path("acknowledged").asLong(), sink.path("dead_lettered").asLong(),
                    sink.path("dropped").asLong(), sink.path("let_go").asLong(), sink.path("open").asLong(),
                    committable.toString()));
        }
        return ledgers;
    }

    private static Instant time(JsonNode source) {
        try {
            return Instant.parse(source.path("@timestamp").asText());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
