package io.logcollect.es.bulk;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BulkRequestBodyTest {

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void buildsNdjsonWithActionLinesSourcesAndATrailingNewline() {
        List<BulkItem> items = List.of(
                new BulkItem(BulkAction.CREATE, "web_log-2026.11.24", "id-1", json("{\"message\":\"a\"}"), null),
                new BulkItem(BulkAction.INDEX, "web_log-2026.11.25", null, json("{\"message\":\"b\"}"), null),
                new BulkItem(BulkAction.DELETE, "web_log-2026.11.25", "id-3", null, null));
        String body = new String(BulkRequestBody.build(items, null), StandardCharsets.UTF_8);
        assertEquals("""
                {"create":{"_index":"web_log-2026.11.24","_id":"id-1"}}
                {"message":"a"}
                {"index":{"_index":"web_log-2026.11.25"}}
                {"message":"b"}
                {"delete":{"_index":"web_log-2026.11.25","_id":"id-3"}}
                """, body);
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, items.stream().mapToInt(BulkItem::sizeInBytes).sum());
    }

    @Test
    void escapesIdsAndIndexNamesInActionLines() {
        BulkItem item = new BulkItem(BulkAction.CREATE, "logs", "a\"b\\c\nd\u0001é", json("{}"), null);
        assertEquals("{\"create\":{\"_index\":\"logs\",\"_id\":\"a\\\"b\\\\c\\nd\\u0001é\"}}\n{}\n",
                new String(BulkRequestBody.build(List.of(item), null), StandardCharsets.UTF_8));
    }

    @Test
    void refusesADeleteWithoutIdAndAWriteWithoutSource() {
        assertThrows(IllegalArgumentException.class, () -> new BulkItem(BulkAction.DELETE, "i", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new BulkItem(BulkAction.CREATE, "i", "x", null, null));
    }

    @Test
    void anUpsertUpdatesTheDocumentOrCreatesIt() {
        BulkItem upsert = new BulkItem(BulkAction.UPDATE, "idx", "k1", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("{\"update\":{\"_index\":\"idx\",\"_id\":\"k1\",\"retry_on_conflict\":3}}\n"
                        + "{\"doc\":{\"v\":1},\"doc_as_upsert\":true}\n",
                new String(BulkRequestBody.build(java.util.List.of(upsert), null), StandardCharsets.UTF_8));
    }

    /** The live tail follows event.ingested: every document indexed or created carries the time it was sent. */
    @Test
    void indexedAndCreatedDocumentsCarryTheTimeTheyWereSent() {
        byte[] sent = BulkRequestBody.ingested(java.time.Instant.parse("2026-12-04T16:00:00.123Z").toEpochMilli());
        List<BulkItem> items = List.of(
                new BulkItem(BulkAction.CREATE, "logs", "id-1", json("{\"message\":\"a\",\"event\":{\"id\":\"id-1\"}}"), null),
                new BulkItem(BulkAction.INDEX, "logs", null, json("{}"), null),
                new BulkItem(BulkAction.INDEX, "logs", null, json(" { \"m\" : 1 } \n"), null),
                new BulkItem(BulkAction.UPDATE, "logs", "k1", json("{\"v\":1}"), null),
                new BulkItem(BulkAction.DELETE, "logs", "id-3", null, null));
        assertEquals("""
                {"create":{"_index":"logs","_id":"id-1"}}
                {"message":"a","event":{"id":"id-1"},"event.ingested":"2026-12-04T16:00:00.123Z"}
                {"index":{"_index":"logs"}}
                {"event.ingested":"2026-12-04T16:00:00.123Z"}
                {"index":{"_index":"logs"}}
                 { "m" : 1 ,"event.ingested":"2026-12-04T16:00:00.123Z"}
                {"update":{"_index":"logs","_id":"k1","retry_on_conflict":3}}
                {"doc":{"v":1},"doc_as_upsert":true}
                {"delete":{"_index":"logs","_id":"id-3"}}
                """, new String(BulkRequestBody.build(items, sent), StandardCharsets.UTF_8));
    }
}
