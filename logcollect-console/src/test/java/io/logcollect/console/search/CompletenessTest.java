package io.logcollect.console.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CompletenessTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anAnswerFromEveryShardInTimeIsComplete() throws IOException {
        assertEquals(Optional.empty(), Completeness.of(MAPPER.readTree(
                "{\"timed_out\":false,\"_shards\":{\"total\":5,\"successful\":5,\"skipped\":0,\"failed\":0}}")));
    }

    @Test
    void failedShardsAndATimeoutAreSaidWithTheFirstReason() throws IOException {
        assertEquals(Optional.of("These results are incomplete: 2 of 7 shards failed (the first: index web-2026.12.01:"
                        + " Text fields are not optimised for sorting); the search timed out (the results so far are"
                        + " shown)."),
                Completeness.of(MAPPER.readTree("{\"timed_out\":true,\"_shards\":{\"total\":7,\"successful\":5,"
                        + "\"failed\":2,\"failures\":[{\"index\":\"web-2026.12.01\",\"reason\":{\"type\":"
                        + "\"illegal_argument_exception\",\"reason\":\"Text fields are not optimised for sorting\"}}]}}")));
        assertEquals(Optional.of("These results are incomplete: the search timed out (the results so far are shown)."),
                Completeness.of(MAPPER.readTree("{\"timed_out\":true,\"_shards\":{\"total\":1,\"successful\":1,"
                        + "\"failed\":0}}")));
    }

    /**
     * A query the engine cannot parse fails on every shard that holds documents in the range; a shard the range
     * lets the engine skip answers. That is the query's error, not incomplete results.
     */
    @Test
    void shardsThatFailedToParseTheQueryAreTheQuerysError() throws IOException {
        assertEquals(Optional.of("Failed to parse query [message:(]"), Completeness.queryError(MAPPER.readTree(
                "{\"timed_out\":false,\"_shards\":{\"total\":5,\"successful\":1,\"skipped\":1,\"failed\":4,"
                        + "\"failures\":[{\"index\":\"logs-2026.12.03\",\"reason\":{\"type\":"
                        + "\"query_shard_exception\",\"reason\":\"Failed to parse query [message:(]\"}}]}}")));
        assertEquals(Optional.empty(), Completeness.queryError(MAPPER.readTree("{\"_shards\":{\"total\":7,"
                + "\"failed\":2,\"failures\":[{\"index\":\"web\",\"reason\":{\"type\":\"illegal_argument_exception\","
                + "\"reason\":\"Text fields are not optimised for sorting\"}}]}}")), "another failure: incomplete results");
    }
}
