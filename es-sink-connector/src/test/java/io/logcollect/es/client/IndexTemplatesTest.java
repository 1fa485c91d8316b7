package io.logcollect.es.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.search.client.EngineInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexTemplatesTest {

    private static final EngineInfo ES8 = new EngineInfo(EngineInfo.ELASTICSEARCH, "8.19.21");
    private static final IndexTemplates.IndexSettings SINGLE_NODE = new IndexTemplates.IndexSettings(1, 0, "");

    @Test
    void aMoreSpecificTemplateOutranksTheOneItOverlaps() {
        assertEquals(204, IndexTemplates.derivedPriority(List.of("web-*")));
        assertEquals(208, IndexTemplates.derivedPriority(List.of("web-api-*")));
        assertEquals(204, IndexTemplates.derivedPriority(List.of("shop-orders-*", "web-*")));
        assertEquals(208, IndexTemplates.derivedPriority(List.of("web-logs")));
        assertEquals(455, IndexTemplates.derivedPriority(List.of("x".repeat(300) + "-*")));
    }

    @Test
    void composableTemplateHasTheLogMapping() throws Exception {
        JsonNode body = new ObjectMapper().readTree(IndexTemplates.body(List.of("web_log-*"), ES8, false, 200, SINGLE_NODE));
        assertEquals("web_log-*", body.at("/index_patterns/0").asText());
        assertEquals(200, body.path("priority").asInt());
        JsonNode properties = body.at("/template/mappings/properties");
        assertEquals("text", properties.at("/message/type").asText());
        assertEquals("date", properties.at("/@timestamp/type").asText());
        assertEquals("keyword", properties.at("/host/properties/name/type").asText());
        assertEquals("keyword", properties.at("/log/properties/file/properties/path/type").asText());
        assertEquals("long", properties.at("/log/properties/offset/type").asText());
        assertEquals("keyword", properties.at("/event/properties/id/type").asText());
        assertEquals("keyword", body.at("/template/mappings/dynamic_templates/0/labels_as_keyword/mapping/type").asText());
        assertFalse(body.has("data_stream"));
        assertFalse(body.at("/template/settings").has("index.merge_on_flush.enabled"), "an Elasticsearch setting");
        assertTrue(new ObjectMapper().readTree(IndexTemplates.body(List.of("l-*"), ES8, true, 200, SINGLE_NODE)).has("data_stream"));
    }

    @Test
    void onOpenSearchARefreshDoesNotWaitForMerges() throws Exception {
        for (String version : List.of("2.19.3", "3.2.0")) {
            JsonNode body = new ObjectMapper().readTree(IndexTemplates.body(List.of("web-*"),
                    new EngineInfo(EngineInfo.OPENSEARCH, version), false, 200, SINGLE_NODE));
            assertFalse(body.at("/template/settings/index.merge_on_flush.enabled").asBoolean(true), version);
            assertTrue(body.at("/template/settings").has("index.merge_on_flush.enabled"), version);
        }
    }

    @Test
    void theRefreshIntervalIsSetOnlyWhenGiven() throws Exception {
        JsonNode body = new ObjectMapper().readTree(IndexTemplates.body(List.of("web-*"), ES8, false, 200,
                new IndexTemplates.IndexSettings(2, 1, "500ms")));
        assertEquals("500ms", body.at("/template/settings/index.refresh_interval").asText());
        assertEquals(2, body.at("/template/settings/index.number_of_shards").asInt());
        assertEquals(1, body.at("/template/settings/index.number_of_replicas").asInt());
        JsonNode legacy = new ObjectMapper().readTree(IndexTemplates.body(List.of("x-*"),
                new EngineInfo(EngineInfo.ELASTICSEARCH, "7.4.2"), false, 200, new IndexTemplates.IndexSettings(1, 1, "5s")));
        assertEquals("5s", legacy.at("/settings/index.refresh_interval").asText());
        assertFalse(new ObjectMapper().readTree(IndexTemplates.body(List.of("web-*"), ES8, false, 200, SINGLE_NODE))
                .at("/template/settings").has("index.refresh_interval"), "the engine's default when not given");
    }

    @Test
    void legacyTemplateForOldElasticsearch() throws Exception {
        JsonNode body = new ObjectMapper().readTree(IndexTemplates.body(List.of("x-*"), new EngineInfo(EngineInfo.ELASTICSEARCH, "7.4.2"), false, 200, new IndexTemplates.IndexSettings(1, 1, "")));
        assertEquals(200, body.path("order").asInt());
        assertEquals("text", body.at("/mappings/properties/message/type").asText());
    }
}
