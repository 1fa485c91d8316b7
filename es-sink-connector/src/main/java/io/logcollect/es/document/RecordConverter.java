package io.logcollect.es.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.es.ElasticsearchSinkConfig.IdStrategy;
import io.logcollect.es.ElasticsearchSinkConfig.NullValueBehavior;
import io.logcollect.es.bulk.BulkAction;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns a sink record into a bulk operation: index name from the topic and the record timestamp, {@code _id}
 * per the id strategy, and the value as compact JSON. Values may be Structs, schemaless maps, JSON object
 * strings (re-serialized on one line) or plain strings (wrapped as {@code {"message": ...}}). Not thread-safe:
 * one per task.
 */
public final class RecordConverter {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private final IdStrategy idStrategy;
    private final BulkAction writeAction;
    private final IndexNameFormat indexNames;
    private final NullValueBehavior nullValues;
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);

    public RecordConverter(IdStrategy idStrategy, BulkAction writeAction, IndexNameFormat indexNames,
                           NullValueBehavior nullValues) {
        this.idStrategy = idStrategy;
        this.writeAction = writeAction;
        this.indexNames = indexNames;
        this.nullValues = nullValues;
    }

    /**
     * The operation for a record, or null when the record is to be skipped (a tombstone with
     * {@code behavior.on.null.values=ignore}).
     *
     * @throws MalformedRecordException when the value cannot be a document
     * @throws ConnectException         for a tombstone with {@code behavior.on.null.values=fail}
     */
    public Document convert(SinkRecord record) throws MalformedRecordException {
        long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
        String index = indexNames.format(record.topic(), timestamp);
        Object value = record.value();
        if (value == null) {
            return switch (nullValues) {
                case IGNORE -> null;
                case FAIL -> throw new ConnectException("record " + coordinates(record) + " has a null value and"
                        + " behavior.on.null.values=fail");
                case DELETE -> new Document(BulkAction.DELETE, index, id(record, null), null);
            };
        }
        if (value instanceof byte[] bytes) {
            int first = 0;
            while (first < bytes.length && (bytes[first] == ' ' || bytes[first] == '\t' || bytes[first] == '\n'
                    || bytes[first] == '\r')) {
                first++;
            }
            if (first < bytes.length && (bytes[first] == '{' || bytes[first] == '[')) {
                String eventId = scanJson(record, () -> FACTORY.createParser(bytes));
                byte[] source = hasLineBreak(bytes) ? reserialize(new String(bytes, StandardCharsets.UTF_8)) : bytes;
                return new Document(writeAction, index, jsonId(record, eventId), source);
            }
            value = new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String text) {
            return fromString(record, index, text);
        }
        if (value instanceof Struct || value instanceof Map) {
            return new Document(writeAction, index, id(record, value), serialize(value));
        }
        throw new MalformedRecordException("record " + coordinates(record) + " has a value of type "
                + value.getClass().getSimpleName() + "; a document needs a Struct, a map or a string");
    }

    private Document fromString(SinkRecord record, String index, String text) throws MalformedRecordException {
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        if (first < text.length() && (text.charAt(first) == '{' || text.charAt(first) == '[')) {
            String eventId = scanJson(record, () -> FACTORY.createParser(text));
            byte[] source = text.indexOf('\n') < 0 && text.indexOf('\r') < 0
                    ? text.getBytes(StandardCharsets.UTF_8) : reserialize(text);
            return new Document(writeAction, index, jsonId(record, eventId), source);
        }
        return new Document(writeAction, index, id(record, null), serialize(Map.of("message", text)));
    }

    /** Opens a parser over a value. */
    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private static String scanJson(SinkRecord record, ParserSource source) throws MalformedRecordException {
        try (JsonParser parser = source.open()) {
            return scanObject(parser);
        } catch (JsonProcessingException e) {
            String summary = "record " + coordinates(record) + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new MalformedRecordException(summary, summary + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException("record " + coordinates(record) + " " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String jsonId(SinkRecord record, String eventId) {
        if (idStrategy == IdStrategy.EVENT_ID) {
            return eventId != null ? eventId : kafkaId(record);
        }
        return id(record, null);
    }

    /** JSON with line breaks between tokens (pretty-printed) made compact, for NDJSON. */
    private byte[] reserialize(String text) throws MalformedRecordException {
        try {
            return serialize(MAPPER.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasLineBreak(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks in one streaming pass that the parser's input is exactly one JSON object, and returns its
     * {@code event.id} (nested or as a flat key) when that is a scalar. Cheaper than building a tree: valid
     * one-line JSON is then indexed as it is.
     */
    static String scanObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("is a JSON array or scalar; a document must be a JSON object");
        }
        String eventId = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("event".equals(field) && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = parser.currentName();
                    JsonToken innerValue = parser.nextToken();
                    if ("id".equals(inner) && innerValue.isScalarValue() && innerValue != JsonToken.VALUE_NULL) {
                        eventId = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else if ("event.id".equals(field) && value.isScalarValue() && value != JsonToken.VALUE_NULL
                    && eventId == null) {
                eventId = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw new IllegalArgumentException("is not valid JSON: unexpected content after the JSON object");
        }
        return eventId == null || eventId.isEmpty() ? null : eventId;
    }

    private byte[] serialize(Object value) throws MalformedRecordException {
        buffer.reset();
        try (JsonGenerator out = FACTORY.createGenerator(buffer)) {
            if (value instanceof JsonNode node) {
                MAPPER.writeTree(out, node);
            } else {
                JsonValues.write(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** The {@code _id} of a record per the strategy, or null for engine-generated ids. */
    String id(SinkRecord record, Object value) {
        return switch (idStrategy) {
            case NONE -> null;
            case KAFKA -> kafkaId(record);
            case KEY -> {
                String key = keyString(record.key());
                yield key != null ? key : kafkaId(record);
            }
            case EVENT_ID -> {
                String eventId = eventId(value);
                yield eventId != null ? eventId : kafkaId(record);
            }
        };
    }

    /** {@code topic+partition+offset}, as Confluent's sink does. */
    public static String kafkaId(SinkRecord record) {
        return record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset();
    }

    /** The value's {@code event.id} (nested {@code event} then {@code id}, or a flat "event.id" key), or null. */
    static String eventId(Object value) {
        Object id = null;
        if (value instanceof Struct struct) {
            Field event = struct.schema().field("event");
            if (event != null && struct.get(event) instanceof Struct inner) {
                Field idField = inner.schema().field("id");
                id = idField == null ? null : inner.get(idField);
            } else if (event != null && struct.get(event) instanceof Map<?, ?> map) {
                id = map.get("id");
            }
        } else if (value instanceof Map<?, ?> map) {
            Object event = map.get("event");
            if (event instanceof Map<?, ?> inner) {
                id = inner.get("id");
            } else if (event instanceof Struct inner && inner.schema().field("id") != null) {
                id = inner.get("id");
            } else {
                id = map.get("event.id");
            }
        } else if (value instanceof ObjectNode node) {
            JsonNode found = node.path("event").path("id");
            if (found.isMissingNode() || found.isNull()) {
                found = node.path("event.id");
            }
            id = found.isValueNode() && !found.isNull() ? found.asText() : null;
        }
        if (id instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        if (id instanceof Number || id instanceof Boolean) {
            return id.toString();
        }
        return null;
    }

    private String keyString(Object key) {
        if (key == null) {
            return null;
        }
        if (key instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (key instanceof Number || key instanceof Boolean) {
            return key.toString();
        }
        try {
            return new String(serialize(key), StandardCharsets.UTF_8);
        } catch (MalformedRecordException e) {
            return key.toString();
        }
    }

    static String coordinates(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
