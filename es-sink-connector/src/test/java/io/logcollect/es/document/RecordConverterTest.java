package io.logcollect.es.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.es.ElasticsearchSinkConfig.IdStrategy;
import io.logcollect.es.ElasticsearchSinkConfig.NullValueBehavior;
import io.logcollect.es.bulk.BulkAction;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordConverterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long TS = Instant.parse("2026-11-24T10:00:00.123Z").toEpochMilli();
    private static final IndexNameFormat DAILY = IndexNameFormat.parse("{topic}-{yyyy.MM.dd}", ZoneOffset.UTC);

    private static final Schema EVENT = SchemaBuilder.struct().name("event").field("id", Schema.STRING_SCHEMA).build();
    private static final Schema HOST = SchemaBuilder.struct().name("host").field("name", Schema.STRING_SCHEMA).build();
    private static final Schema LOG_RECORD = SchemaBuilder.struct().name("log")
            .field("@timestamp", Timestamp.SCHEMA)
            .field("message", Schema.STRING_SCHEMA)
            .field("event", EVENT)
            .field("host", HOST)
            .field("flags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("labels", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("price", Decimal.schema(2))
            .field("missing", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private static RecordConverter converter(IdStrategy ids) {
        return new RecordConverter(ids, BulkAction.CREATE, DAILY, NullValueBehavior.IGNORE);
    }

    private static SinkRecord record(Object key, Schema valueSchema, Object value) {
        return new SinkRecord("web_log", 3, null, key, valueSchema, value, 42L, TS, TimestampType.CREATE_TIME);
    }

    private static JsonNode json(Document document) throws Exception {
        String text = new String(document.source(), StandardCharsets.UTF_8);
        assertTrue(!text.contains("\n"), "one line: " + text);
        return MAPPER.readTree(text);
    }

    @Test
    void structsBecomeJsonAndTheirEventIdTheDocumentId() throws Exception {
        Struct value = new Struct(LOG_RECORD)
                .put("@timestamp", Date.from(Instant.parse("2026-11-24T10:00:00.123Z")))
                .put("message", "GET /index.html 200")
                .put("event", new Struct(EVENT).put("id", "e-1"))
                .put("host", new Struct(HOST).put("name", "web-01"))
                .put("flags", List.of("multiline"))
                .put("labels", Map.of("app", "shop"))
                .put("price", new BigDecimal("12.50"));
        Document document = converter(IdStrategy.EVENT_ID).convert(record("k", LOG_RECORD, value));
        assertEquals(BulkAction.CREATE, document.action());
        assertEquals("web_log-2026.11.24", document.index());
        assertEquals("e-1", document.id());
        JsonNode json = json(document);
        assertEquals("2026-11-24T10:00:00.123Z", json.path("@timestamp").asText());
        assertEquals("web-01", json.at("/host/name").asText());
        assertEquals("multiline", json.at("/flags/0").asText());
        assertEquals("shop", json.at("/labels/app").asText());
        assertEquals(12.5, json.path("price").asDouble());
        assertTrue(json.path("missing").isMissingNode());
    }

    @Test
    void schemalessMapsKeepTheirShape() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("@timestamp", "2026-11-24T10:00:00.123Z");
        value.put("message", "line \"quoted\"\nsecond");
        value.put("event", Map.of("id", "abc"));
        value.put("log", Map.of("offset", 1234567L, "flags", List.of("truncated")));
        Document document = converter(IdStrategy.EVENT_ID).convert(record(null, null, value));
        assertEquals("abc", document.id());
        JsonNode json = json(document);
        assertEquals("line \"quoted\"\nsecond", json.path("message").asText());
        assertEquals(1234567L, json.at("/log/offset").asLong());
    }

    @Test
    void jsonStringsAreParsedAndPlainStringsWrapped() throws Exception {
        Document parsed = converter(IdStrategy.EVENT_ID).convert(record(null, Schema.STRING_SCHEMA,
                "{\n  \"message\": \"m\",\n  \"event\": {\"id\": 7}\n}"));
        assertEquals("7", parsed.id());
        assertEquals("m", json(parsed).path("message").asText());
        Document wrapped = converter(IdStrategy.EVENT_ID).convert(record(null, Schema.STRING_SCHEMA, "plain line"));
        assertEquals("web_log+3+42", wrapped.id());
        assertEquals("{\"message\":\"plain line\"}", new String(wrapped.source(), StandardCharsets.UTF_8));
    }

    @Test
    void compactJsonStringsAreIndexedAsTheyAre() throws Exception {
        String text = "{\"message\":\"m\",\"event.id\":\"flat-1\",\"n\":1.50}";
        Document document = converter(IdStrategy.EVENT_ID).convert(record(null, Schema.STRING_SCHEMA, text));
        assertEquals("flat-1", document.id());
        assertEquals(text, new String(document.source(), StandardCharsets.UTF_8));
        assertEquals("web_log+3+42", converter(IdStrategy.KAFKA).convert(record(null, null, text)).id());
        assertEquals("web_log+3+42", converter(IdStrategy.EVENT_ID)
                .convert(record(null, null, "{\"event\":{\"id\":null}}")).id());
    }

    @Test
    void byteArrayJsonIsIndexedWithoutCopyAndOtherBytesAsText() throws Exception {
        byte[] json = "{\"message\":\"é\",\"event\":{\"id\":\"b-1\"}}".getBytes(StandardCharsets.UTF_8);
        Document document = converter(IdStrategy.EVENT_ID).convert(record(null, null, json));
        assertEquals("b-1", document.id());
        assertTrue(json == document.source());
        byte[] pretty = "{\n \"message\": \"x\"\n}".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"message\":\"x\"}", new String(converter(IdStrategy.EVENT_ID)
                .convert(record(null, null, pretty)).source(), StandardCharsets.UTF_8));
        assertEquals("{\"message\":\"plain\"}", new String(converter(IdStrategy.EVENT_ID)
                .convert(record(null, null, "plain".getBytes(StandardCharsets.UTF_8))).source(), StandardCharsets.UTF_8));
        assertThrows(MalformedRecordException.class, () -> converter(IdStrategy.EVENT_ID)
                .convert(record(null, null, "{\"a\":".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void brokenJsonAndUnsupportedValuesAreMalformed() {
        RecordConverter converter = converter(IdStrategy.EVENT_ID);
        MalformedRecordException broken = assertThrows(MalformedRecordException.class,
                () -> converter.convert(record(null, null, "{\"message\": \"unterminated")));
        assertTrue(broken.getMessage().contains("web_log-3@42"), broken.getMessage());
        assertTrue(broken.getMessage().contains("not valid JSON"), broken.getMessage());
        assertThrows(MalformedRecordException.class, () -> converter.convert(record(null, null, "[1,2]")));
        assertThrows(MalformedRecordException.class, () -> converter.convert(record(null, null, "{\"a\":1} {}")));
        assertThrows(MalformedRecordException.class, () -> converter.convert(record(null, null, 42L)));
    }

    @Test
    void idStrategies() throws Exception {
        Map<String, Object> value = Map.of("event", Map.of("id", "e-9"), "message", "x");
        assertEquals("e-9", converter(IdStrategy.EVENT_ID).convert(record("k", null, value)).id());
        assertEquals("web_log+3+42", converter(IdStrategy.EVENT_ID).convert(record("k", null, Map.of("m", 1))).id());
        assertEquals("web_log+3+42", converter(IdStrategy.KAFKA).convert(record("k", null, value)).id());
        assertEquals("k", converter(IdStrategy.KEY).convert(record("k", null, value)).id());
        assertEquals("{\"host\":\"h\"}", converter(IdStrategy.KEY).convert(record(Map.of("host", "h"), null, value)).id());
        assertEquals("web_log+3+42", converter(IdStrategy.KEY).convert(record(null, null, value)).id());
        assertNull(converter(IdStrategy.NONE).convert(record("k", null, value)).id());
    }

    @Test
    void tombstonesFollowTheNullValueBehavior() throws Exception {
        SinkRecord tombstone = record("k", null, null);
        assertNull(converter(IdStrategy.KEY).convert(tombstone));
        Document delete = new RecordConverter(IdStrategy.KEY, BulkAction.CREATE, DAILY, NullValueBehavior.DELETE)
                .convert(tombstone);
        assertEquals(BulkAction.DELETE, delete.action());
        assertEquals("k", delete.id());
        assertNull(delete.source());
        assertThrows(ConnectException.class, () -> new RecordConverter(IdStrategy.KEY, BulkAction.CREATE, DAILY,
                NullValueBehavior.FAIL).convert(tombstone));
    }
}
