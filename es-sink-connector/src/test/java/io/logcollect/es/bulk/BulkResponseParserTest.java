package io.logcollect.es.bulk;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BulkResponseParserTest {

    @Test
    void readsStatusAndErrorOfEveryItemInOrder() throws Exception {
        String response = """
                {"took":3,"errors":true,"items":[
                 {"create":{"_index":"a","_id":"1","status":201,"result":"created","_shards":{"total":2}}},
                 {"create":{"_index":"a","_id":"2","status":409,"error":{"type":"version_conflict_engine_exception",
                   "reason":"[2]: version conflict, document already exists"}}},
                 {"index":{"status":400,"error":{"type":"document_parsing_exception","reason":"failed to parse field [@timestamp]",
                   "caused_by":{"type":"illegal_argument_exception","reason":"failed to parse date field [yesterday]"}}}},
                 {"delete":{"status":404,"result":"not_found"}},
                 {"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"}}}
                ]}""";
        List<ItemResult> results = BulkResponseParser.parse(response.getBytes(StandardCharsets.UTF_8));
        assertEquals(5, results.size());
        assertEquals(new ItemResult(201, null, null), results.get(0));
        assertEquals(409, results.get(1).status());
        assertEquals("version_conflict_engine_exception", results.get(1).errorType());
        assertEquals("failed to parse field [@timestamp] (caused by: failed to parse date field [yesterday])",
                results.get(2).reason());
        assertEquals(404, results.get(3).status());
        assertNull(results.get(3).errorType());
        assertEquals("HTTP 429 es_rejected_execution_exception: rejected execution", results.get(4).describe());
    }

    @Test
    void readsTheFilteredFormAndAnEmptyResponse() throws Exception {
        List<ItemResult> results = BulkResponseParser.parse(
                "{\"errors\":false,\"items\":[{\"create\":{\"status\":201}},{\"create\":{\"status\":201}}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new ItemResult(201, null, null), new ItemResult(201, null, null)), results);
        assertEquals(List.of(), BulkResponseParser.parse("{\"errors\":false}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesWhatIsNotAJsonObject() {
        assertThrows(Exception.class, () -> BulkResponseParser.parse("<html>".getBytes(StandardCharsets.UTF_8)));
    }
}
