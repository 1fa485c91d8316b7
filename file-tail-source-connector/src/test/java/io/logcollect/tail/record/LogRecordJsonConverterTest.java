package io.logcollect.tail.record;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;
import io.logcollect.tail.record.JsonText.TextKind;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The converter's bytes are JsonConverter's bytes (schemas.enable=false), record after record. */
class LogRecordJsonConverterTest {

    private static final Map<String, Object> SCHEMALESS = Map.of("schemas.enable", "false");

    private final JsonConverter reference = converter(new JsonConverter(), SCHEMALESS, false);
    private final LogRecordJsonConverter converter = converter(new LogRecordJsonConverter(), SCHEMALESS, false);
    private final EcsRecords records = new EcsRecords("web-01", "web", true);

    @Test
    void tailRecordsWithAndWithoutFlagsAreByteIdentical() {
        assertTrue(converter.isStreamable(EcsRecords.VALUE));
        assertTrue(converter.isStreamable(EcsRecords.VALUE_WITH_FLAGS));
        for (int i = 0; i < 1000; i++) {
            SourceRecord record = records.record(event("GET /item/" + i + " HTTP/1.1 \"ok\"", i % 3 == 0, i % 7 == 0,
                    i));
            assertSame(record.valueSchema(), record.value());
        }
    }

    @Test
    void plainTextReplacedByATransformationIsWrittenAsTheNewTextNeeds() {
        for (String replacement : List.of("plain again", "quote \" here", "back\\slash", "tab\there", "caf\u00e9",
                "lone \ud800?")) {
            SourceRecord record = records.record(event("a plain line", false, false, 5));
            DeferredCheckStruct value = (DeferredCheckStruct) record.value();
            assertTrue(value.isPlain(1), "the message is set as plain text");
            value.put("message", replacement);
            value.getStruct("event").put("id", replacement);
            assertFalse(value.isPlain(1), "a put replaces plain text");
            assertSame(record.valueSchema(), value);
        }
    }

    @Test
    void everyKindOfCharacterIsEscapedAndEncodedAsJsonConverterDoes() {
        Random random = new Random(42);
        int[][] ranges = {{0, 0x20}, {0x20, 0x7f}, {0x7f, 0x100}, {0x100, 0x800}, {0x800, 0xd800}, {0xd800, 0xe000},
                {0xe000, 0x10000}};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder message = new StringBuilder();
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) {
                int roll = random.nextInt(10);
                if (roll == 0) {
                    message.appendCodePoint(0x10000 + random.nextInt(0x100000));
                } else if (roll == 1) {
                    message.append("\"\\/\u2028\u2029\ufeff".charAt(random.nextInt(6)));
                } else {
                    int[] range = ranges[random.nextInt(ranges.length)];
                    message.append((char) (range[0] + random.nextInt(range[1] - range[0])));
                }
            }
            SourceRecord record = records.record(event(message.toString(), false, false, i));
            assertSame(record.valueSchema(), record.value());
        }
    }

    @Test
    void plainAsciiStringsAndLabelKeysOfEveryKindAreByteIdentical() {
        StringBuilder printable = new StringBuilder();
        for (char c = 0x20; c <= 0x7f; c++) {
            printable.append(c);
        }
        for (String message : List.of("", "plain line", printable.toString(), "tab\there", "quote \" here",
                "back\\slash", "del \u007f only", "caf\u00e9", "\u0000")) {
            SourceRecord record = records.record(event(message, false, false, 3));
            assertSame(record.valueSchema(), record.value());
        }
        for (String key : List.of("app", "k\"q", "k\\b", "k\u0001", "k\u007f", "\u00e9t\u00e9", "\ud83d\ude00")) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(key, "v");
            // records of its own: labels are built once per entry
            SourceRecord record = new EcsRecords("web-01", "web", true).record(event("labelled", false, false, 4,
                    fields));
            assertSame(record.valueSchema(), record.value());
        }
    }

    @Test
    void everyAsciiCharacterIsWrittenAsJsonConverterWritesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            all.append(c);
            SourceRecord record = records.record(event("before " + c + " after", false, false, c));
            assertSame(record.valueSchema(), record.value());
        }
        SourceRecord record = records.record(event(all.toString(), false, false, 0x80));
        assertSame(record.valueSchema(), record.value());
    }

    @Test
    void whatTextNeedsIsToldApartAtEveryPositionOfAnEightByteWord() {
        for (int length = 1; length <= 20; length++) {
            for (int position = 0; position < length; position++) {
                for (char special : "\u0000\u001f\"\\\u00e9\u0080\u00ff".toCharArray()) {
                    String text = "a".repeat(position) + special + "b".repeat(length - position - 1);
                    assertEquals(special < 0x80 ? TextKind.ESCAPED_ASCII : TextKind.OTHER,
                            JsonText.kind(text, text.getBytes(StandardCharsets.UTF_8)),
                            () -> "char " + (int) special + " at " + text.indexOf(special));
                }
                String both = "a".repeat(position) + '\u00e9' + "\"".repeat(length - position - 1);
                assertEquals(TextKind.OTHER, JsonText.kind(both, both.getBytes(StandardCharsets.UTF_8)));
                String lone = "a".repeat(position) + '\ud800' + "?".repeat(length - position - 1);
                assertEquals(TextKind.OTHER, JsonText.kind(lone, lone.getBytes(StandardCharsets.UTF_8)));
                String plain = "a".repeat(position) + "? ~\u007f".charAt(position % 4) + "z".repeat(length - position - 1);
                assertEquals(TextKind.PLAIN, JsonText.kind(plain, plain.getBytes(StandardCharsets.UTF_8)),
                        plain);
            }
        }
    }

    @Test
    void fieldNamesThatAreNotPlainAsciiAreWrittenAsJsonConverterWritesThem() {
        Schema schema = SchemaBuilder.struct().name("n").field("plain", Schema.STRING_SCHEMA)
                .field("quo\"te", Schema.STRING_SCHEMA).field("\u00e9t\u00e9", Schema.STRING_SCHEMA)
                .field("\ud83d\ude00", Schema.STRING_SCHEMA).field("lone \ud800", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(schema);
        schema.fields().forEach(field -> value.put(field, "v?" + field.name()));
        assertSame(schema, value);
    }

    @Test
    void aKeyStringIsWrittenAsAJsonString() {
        LogRecordJsonConverter keys = converter(new LogRecordJsonConverter(), SCHEMALESS, true);
        JsonConverter referenceKeys = converter(new JsonConverter(), SCHEMALESS, true);
        String key = "web-01/2049:131:9f2c\u00e9";
        assertArrayEquals(referenceKeys.fromConnectData("t", Schema.STRING_SCHEMA, key),
                keys.fromConnectData("t", Schema.STRING_SCHEMA, key));
        // the same instance again (a file's lines share their key), another key, an equal one built anew
        for (String next : List.of(key, "web-01/2049:132:0a1b", "web-01/2049:132:0a1b", new String(key))) {
            byte[] written = keys.fromConnectData("t", Schema.STRING_SCHEMA, next);
            assertArrayEquals(referenceKeys.fromConnectData("t", Schema.STRING_SCHEMA, next), written, next);
            written[1] = 'X';
            assertArrayEquals(referenceKeys.fromConnectData("t", Schema.STRING_SCHEMA, next),
                    keys.fromConnectData("t", Schema.STRING_SCHEMA, next), "each call has its own bytes");
        }
    }

    @Test
    void integersOfEveryWidthAreWrittenAsJsonConverterWritesThem() {
        Schema schema = SchemaBuilder.struct().field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
                .field("i32", Schema.INT32_SCHEMA).field("i64", Schema.INT64_SCHEMA).build();
        assertTrue(converter.isStreamable(schema));
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, 12345, 1_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Short.MIN_VALUE, Byte.MIN_VALUE};
        Random random = new Random(7);
        List<Long> values = new ArrayList<>();
        for (long edge : edges) {
            values.add(edge);
        }
        for (int i = 0; i < 1000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long value : values) {
            assertSame(schema, new Struct(schema).put("i8", (byte) value).put("i16", (short) value)
                    .put("i32", (int) value).put("i64", value));
        }
    }

    @Test
    void whatTheFastPathDoesNotCoverGoesToJsonConverterAndTheNextRecordIsStillRight() {
        Schema optional = SchemaBuilder.struct().name("o")
                .field("a", Schema.OPTIONAL_STRING_SCHEMA)
                .field("n", Schema.INT32_SCHEMA)
                .field("d", Decimal.schema(2))
                .field("f", Schema.FLOAT64_SCHEMA)
                .build();
        assertFalse(converter.isStreamable(optional));
        Struct withNull = new Struct(optional).put("n", 7).put("d", new BigDecimal("1.25")).put("f", 0.5);
        assertSame(optional, withNull);

        Map<String, Object> schemaless = new LinkedHashMap<>();
        schemaless.put("message", "plain");
        schemaless.put("list", List.of(1, "two"));
        assertArrayEquals(reference.fromConnectData("t", null, schemaless), converter.fromConnectData("t", null, schemaless));
        assertNull(converter.fromConnectData("t", null, null));

        Schema nested = SchemaBuilder.struct().field("inner", SchemaBuilder.struct()
                .field("x", Schema.OPTIONAL_STRING_SCHEMA).optional().build()).build();
        Struct inner = new Struct(nested.field("inner").schema());
        assertSame(nested, new Struct(nested).put("inner", inner));

        SourceRecord after = records.record(event("after the fallbacks", true, false, 5));
        assertSame(after.valueSchema(), after.value());
    }

    @Test
    void aRequiredNullFailsAsInJsonConverter() {
        Schema required = SchemaBuilder.struct().field("x", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(required);
        DataException expected = assertThrows(DataException.class, () -> reference.fromConnectData("t", required, value));
        DataException actual = assertThrows(DataException.class, () -> converter.fromConnectData("t", required, value));
        assertEquals(expected.getMessage(), actual.getMessage());

        SourceRecord after = records.record(event("after the failure", false, true, 6));
        assertSame(after.valueSchema(), after.value());
    }

    @Test
    void readingBackIsJsonConverters() {
        byte[] json = converter.fromConnectData("t", EcsRecords.VALUE,
                records.record(event("read back", false, false, 1)).value());
        assertEquals(reference.toConnectData("t", json), converter.toConnectData("t", json));
    }

    @Test
    void aSchemaEnvelopeIsRefusedWithTheKeyNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new LogRecordJsonConverter().configure(Map.of("schemas.enable", "true"), false));
        assertTrue(e.getMessage().contains("schemas.enable"), e.getMessage());
    }

    private void assertSame(Schema schema, Object value) {
        byte[] expected = reference.fromConnectData("t", schema, value);
        byte[] actual = converter.fromConnectData("t", schema, value);
        assertArrayEquals(expected, actual, () -> new String(expected, StandardCharsets.UTF_8) + "\n != \n"
                + new String(actual, StandardCharsets.UTF_8));
    }

    private static LogEvent event(String message, boolean multiline, boolean truncated, long i) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("app", "shop");
        fields.put("env", i % 2 == 0 ? "prod" : "stage \"eu\"");
        return event(message, multiline, truncated, i, fields);
    }

    private static LogEvent event(String message, boolean multiline, boolean truncated, long i,
                                  Map<String, String> fields) {
        CollectionEntry entry = new CollectionEntry("nginx-" + (i % 3), List.of("/var/log/*.log"), new ArrayList<>(),
                "web_log", CollectionEntry.StartAt.END, StandardCharsets.UTF_8, Optional.empty(), 1024, fields,
                Optional.empty(), Optional.empty(), true);
        long read = 1_764_000_000_000L + i;
        // plain as the line reader notes it for UTF-8 lines: the converter then writes the message unlooked-at
        return new LogEvent(entry, "/var/log/\u00e4ccess.log",
                new io.logcollect.tail.identity.FileIdentity("801", "131", "abc", true), new FilePosition(i * 100, 0, 1L, io.logcollect.tail.identity.ContentCheck.NONE),
                i * 100, message, isPlain(message), multiline, truncated, read, "id-" + i, read,
                LogEvent.TimestampSource.READ);
    }

    private static boolean isPlain(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c <= 0x7f && c != '"' && c != '\\');
    }

    private static <C extends org.apache.kafka.connect.storage.Converter> C converter(C converter,
                                                                                   Map<String, Object> config,
                                                                                   boolean isKey) {
        converter.configure(config, isKey);
        return converter;
    }
}
