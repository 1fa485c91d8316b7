package io.logcollect.tail.record;

import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EcsRecordsTest {

    /**
     * Connect finds a file's stored offset by the bytes of its partition's JSON: those bytes must be the same
     * in every JVM and in every release, or a restarted agent reads its files again from the start.
     */
    @Test
    void aPartitionAlwaysSerializesToTheSameJson() {
        JsonConverter offsetKeys = new JsonConverter();
        offsetKeys.configure(Map.of("schemas.enable", "false"), true);
        Map<String, Object> partition = EcsRecords.partition("nginx-access", "2049:131:9f2c");
        assertEquals("{\"entry\":\"nginx-access\",\"file\":\"2049:131:9f2c\"}",
                new String(offsetKeys.fromConnectData("offsets", null, partition), StandardCharsets.UTF_8));
        assertEquals(new HashMap<>(partition), partition);
        assertEquals(new HashMap<>(partition).hashCode(), partition.hashCode());
    }

    /**
     * A record's offset is read by Connect as a map (stored as its JSON at each flush, validated, compared) and read
     * back into a position after a restart: it must be the map of primitives it always was, with or without a check.
     */
    @Test
    void anOffsetIsTheMapOfThePositionsPrimitives() {
        JsonConverter offsetValues = new JsonConverter();
        offsetValues.configure(Map.of("schemas.enable", "false"), false);
        FilePosition checked = new FilePosition(4096, 2, 1_764_000_000_000L,
                new io.logcollect.tail.identity.ContentCheck(4000, 96, "00ff"));
        Map<String, Object> offset = new PositionOffset(checked);
        Map<String, Object> expected = new HashMap<>();
        expected.put("position", 4096L);
        expected.put("epoch", 2);
        expected.put("applied", 1_764_000_000_000L);
        expected.put("check_position", 4000L);
        expected.put("check_length", 96);
        expected.put("check_hash", "00ff");
        assertEquals(expected, offset);
        assertEquals(offset, expected);
        assertEquals(expected.hashCode(), offset.hashCode());
        assertEquals(4096L, offset.get("position"));
        assertEquals(null, offset.get("nothing"));
        assertEquals("{\"position\":4096,\"epoch\":2,\"applied\":1764000000000,\"check_position\":4000,"
                        + "\"check_length\":96,\"check_hash\":\"00ff\"}",
                new String(offsetValues.fromConnectData("offsets", null, offset), StandardCharsets.UTF_8));
        assertEquals(checked, EcsRecords.position(offset));

        FilePosition unchecked = new FilePosition(40, 0, 1L, io.logcollect.tail.identity.ContentCheck.NONE);
        Map<String, Object> plain = new PositionOffset(unchecked);
        assertEquals(Map.of("position", 40L, "epoch", 0, "applied", 1L), plain);
        assertEquals(3, plain.size());
        assertEquals(false, plain.containsKey("check_hash"));
        assertEquals(unchecked, EcsRecords.position(plain));
    }

    @Test
    void aTimeReadFromTheLineBecomesTheTimestampAndTheReadTimeEventCreated() {
        io.logcollect.policy.CollectionEntry entry = io.logcollect.policy.PolicyParser.parse(
                "[{\"id\":\"app\",\"paths\":[\"/var/log/app.log\"],\"topic\":\"t\","
                        + "\"timestamp\":{\"format\":\"ISO8601\"}}]",
                io.logcollect.policy.AllowedPaths.of(java.util.List.of("/var/log"))).entries().get(0);
        EcsRecords records = new EcsRecords("web-01", "web", true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        long read = java.time.Instant.parse("2026-11-29T12:00:00.456Z").toEpochMilli();
        long line = java.time.Instant.parse("2026-11-20T08:30:00.123Z").toEpochMilli();
        FilePosition position = new FilePosition(40, 0, 1L, io.logcollect.tail.identity.ContentCheck.NONE);
        org.apache.kafka.connect.source.SourceRecord parsed = records.record(new LogEvent(entry, "/var/log/app.log",
                new io.logcollect.tail.identity.FileIdentity("803", "131", "9f2c", false), position, 0, "2026-11-20T08:30:00.123Z started", true, false, false, read, "id-1", line,
                LogEvent.TimestampSource.LINE));
        assertEquals(line, parsed.timestamp());
        assertJson("{\"@timestamp\":\"2026-11-20T08:30:00.123Z\",\"message\":\"2026-11-20T08:30:00.123Z started\","
                        + "\"event\":{\"id\":\"id-1\",\"created\":\"2026-11-29T12:00:00.456Z\"},\"host\":{\"name\":\"web-01\"},"
                        + "\"log\":{\"file\":{\"path\":\"/var/log/app.log\",\"inode\":\"131\",\"device_id\":\"2051\",\"fingerprint\":\"9f2c\"},\"offset\":0},"
                        + "\"labels\":{\"policy\":\"web\",\"entry\":\"app\"}}",
                new String(values.fromConnectData("t", parsed.valueSchema(), parsed.value()), StandardCharsets.UTF_8));
        org.apache.kafka.connect.source.SourceRecord unparsed = records.record(new LogEvent(entry, "/var/log/app.log",
                new io.logcollect.tail.identity.FileIdentity("803", "131", "9f2c", false), position, 40, "no time here", false, false, false, read, "id-2", read,
                LogEvent.TimestampSource.UNPARSED));
        assertEquals(read, unparsed.timestamp());
        assertJson("{\"@timestamp\":\"2026-11-29T12:00:00.456Z\",\"message\":\"no time here\",\"event\":{\"id\":\"id-2\"},"
                        + "\"host\":{\"name\":\"web-01\"},\"log\":{\"file\":{\"path\":\"/var/log/app.log\",\"inode\":\"131\",\"device_id\":\"2051\",\"fingerprint\":\"9f2c\"},\"offset\":40,"
                        + "\"flags\":[\"timestamp_unparsed\"]},\"labels\":{\"policy\":\"web\",\"entry\":\"app\"}}",
                new String(values.fromConnectData("t", unparsed.valueSchema(), unparsed.value()), StandardCharsets.UTF_8));
    }

    /**
     * The value skips Connect's check on every put; a transformation reading it through the Struct API gets it
     * checked, and the JSON after it is the record's JSON with the transformation's change.
     */
    @Test
    void aTransformationReadsTheValueAsAnyStruct() {
        io.logcollect.policy.CollectionEntry entry = io.logcollect.policy.PolicyParser.parse(
                "[{\"id\":\"app\",\"paths\":[\"/var/log/app.log\"],\"topic\":\"t\"}]",
                io.logcollect.policy.AllowedPaths.of(java.util.List.of("/var/log"))).entries().get(0);
        long read = java.time.Instant.parse("2026-11-29T12:00:00.456Z").toEpochMilli();
        org.apache.kafka.connect.source.SourceRecord record = new EcsRecords("web-01", "web", true).record(
                new LogEvent(entry, "/var/log/app.log", new io.logcollect.tail.identity.FileIdentity("803", "131",
                        "9f2c", false), new FilePosition(12, 0, 1L, io.logcollect.tail.identity.ContentCheck.NONE),
                        0, "started", true, false, read, "id-1"));
        org.apache.kafka.connect.transforms.InsertField<org.apache.kafka.connect.source.SourceRecord> insert =
                new org.apache.kafka.connect.transforms.InsertField.Value<>();
        insert.configure(Map.of("static.field", "datacenter", "static.value", "eu-1"));
        org.apache.kafka.connect.source.SourceRecord transformed = insert.apply(record);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        assertJson("{\"@timestamp\":\"2026-11-29T12:00:00.456Z\",\"message\":\"started\",\"event\":{\"id\":\"id-1\"},"
                        + "\"host\":{\"name\":\"web-01\"},\"log\":{\"file\":{\"path\":\"/var/log/app.log\","
                        + "\"inode\":\"131\",\"device_id\":\"2051\",\"fingerprint\":\"9f2c\"},\"offset\":0,"
                        + "\"flags\":[\"multiline\"]},\"labels\":{\"policy\":\"web\",\"entry\":\"app\"},"
                        + "\"datacenter\":\"eu-1\"}",
                new String(values.fromConnectData("t", transformed.valueSchema(), transformed.value()),
                        StandardCharsets.UTF_8));
        org.apache.kafka.connect.data.Struct value = (org.apache.kafka.connect.data.Struct) record.value();
        assertEquals("started", value.getString("message"));
        assertEquals(0L, value.getStruct("log").getInt64("offset"));
        value.validate();
    }

    /** A value that does not fit its schema is refused when it is read, naming the field, as a put would. */
    @Test
    void aValueThatDoesNotFitItsSchemaIsRefusedWhenRead() {
        org.apache.kafka.connect.data.Schema schema = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .field("offset", org.apache.kafka.connect.data.Schema.INT64_SCHEMA).build();
        DeferredCheckStruct struct = new DeferredCheckStruct(schema).set(0, "twelve");
        org.apache.kafka.connect.errors.DataException refused = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.kafka.connect.errors.DataException.class, () -> struct.get("offset"));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("offset"), refused.getMessage());
        LogRecordJsonConverter converter = new LogRecordJsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.connect.errors.DataException.class,
                () -> converter.fromConnectData("t", schema, struct));
    }

    /** Field order of labels follows the map, which need not be the order written here. */
    private static void assertJson(String expected, String actual) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            assertEquals(mapper.readTree(expected), mapper.readTree(actual), actual);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
