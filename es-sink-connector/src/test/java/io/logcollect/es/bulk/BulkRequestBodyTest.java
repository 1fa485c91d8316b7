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
        String body = new String(BulkRequestBody.build(items), StandardCharsets.UTF_8);
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
                new String(BulkRequestBody.build(List.of(item)), StandardCharsets.UTF_8));
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
                new String(BulkRequestBody.build(java.util.List.of(upsert)), StandardCharsets.UTF_8));
    }
}
