package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bulk request and a search on each engine, and a restart that keeps the index. */
class SearchNodesIT {

    private static final String DOCS = """
            {"create":{"_index":"kit-smoke","_id":"a"}}
            {"message":"alpha one","n":1}
            {"create":{"_index":"kit-smoke","_id":"b"}}
            {"message":"beta two","n":2}
            {"create":{"_index":"kit-smoke","_id":"c"}}
            {"message":"gamma one","n":3}
            """;

    @Test
    void openSearchIndexesSearchesAndKeepsDataAcrossARestart() {
        OpenSearchNode node = TestServices.opensearch();
        assertEquals("opensearch", node.flavor());
        assertEquals("opensearch", node.http().get("/").expectOk().at("/version/distribution").asText());
        exerciseAndRestart(node);
    }

    @Test
    void elasticsearchIndexesSearchesAndKeepsDataAcrossARestart() {
        ElasticsearchNode node = TestServices.elasticsearch();
        assertEquals("8.19.21", node.version());
        exerciseAndRestart(node);
    }

    @Test
    void securedElasticsearchServesHttpsWithBasicAuthenticationOnly() {
        ElasticsearchNode node = ElasticsearchNode.start(Map.of(), "kit-es-secret");
        try {
            assertTrue(node.url().startsWith("https://127.0.0.1:"), node.url());
            node.bulk(DOCS);
            assertEquals(3, node.count("kit-smoke"));
            HttpJson wrongPassword = new HttpJson(node.url(), ElasticsearchNode.SUPERUSER, "wrong",
                    node.certificates().sslContext(false));
            assertEquals(401, wrongPassword.get("/_cluster/health").status());
            HttpJson anonymous = new HttpJson(node.url(), null, null, node.certificates().sslContext(false));
            assertEquals(401, anonymous.get("/_cluster/health").status());
        } finally {
            node.stop();
        }
    }

    private static void exerciseAndRestart(SearchNode node) {
        node.deleteIndex("kit-smoke");
        node.bulk(DOCS);
        assertEquals(3, node.count("kit-smoke"));
        JsonNode hits = node.search("kit-smoke", Map.of("query", Map.of("match", Map.of("message", "one")),
                "sort", java.util.List.of(Map.of("n", "asc")))).path("hits").path("hits");
        assertEquals(2, hits.size());
        assertEquals("a", hits.get(0).path("_id").asText());
        assertEquals("c", hits.get(1).path("_id").asText());

        node.stop();
        assertFalse(node.isRunning());
        node.startProcess();
        assertTrue(node.isRunning());
        assertEquals(3, node.count("kit-smoke"));
    }
}
