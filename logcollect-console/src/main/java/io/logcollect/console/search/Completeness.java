package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a search answer is the whole answer: the engine answers 200 with what it has when some shards failed
 * ({@code _shards.failed}) or the search ran out of time ({@code timed_out}); such results must not be shown as
 * complete.
 */
final class Completeness {

    private Completeness() {
    }

    /** What is missing from the answer, for the page; empty when it is complete. */
    static Optional<String> of(JsonNode response) {
        List<String> missing = new ArrayList<>();
        JsonNode shards = response.path("_shards");
        long failed = shards.path("failed").asLong();
        if (failed > 0) {
            JsonNode first = shards.path("failures").path(0);
            String reason = first.path("reason").path("reason").asText(first.path("reason").asText(""));
            String index = first.path("index").asText("");
            missing.add(failed + " of " + shards.path("total").asLong() + " shards failed"
                    + (reason.isEmpty() ? "" : " (the first: " + (index.isEmpty() ? "" : "index " + index + ": ")
                    + shorten(Segment.visible(reason)) + ")"));
        }
        if (response.path("timed_out").asBoolean()) {
            missing.add("the search timed out (the results so far are shown)");
        }
        return missing.isEmpty() ? Optional.empty()
                : Optional.of("These results are incomplete: " + String.join("; ", missing) + ".");
    }

    /**
     * The query's own error, when every shard that failed could not parse it (a Lucene syntax error fails only the
     * shards that hold documents in the range; the others answer, so the engine says 200).
     */
    static Optional<String> queryError(JsonNode response) {
        JsonNode failures = response.path("_shards").path("failures");
        if (response.path("_shards").path("failed").asLong() == 0 || failures.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode failure : failures) {
            String type = failure.path("reason").path("type").asText("");
            if (!type.equals("query_shard_exception") && !type.equals("parse_exception")
                    && !type.equals("query_parsing_exception")) {
                return Optional.empty();
            }
        }
        return Optional.of(shorten(Segment.visible(failures.path(0).path("reason").path("reason").asText(""))));
    }

    private static String shorten(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
