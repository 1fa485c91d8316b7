package io.logcollect.tail.record;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Connect values as the JSON Kafka's {@code JsonConverter} writes without schemas, straight into one reused
 * byte array. For each schema it builds a writer once (a tree of small writers, one per nested schema, holding the
 * encoded field names), so a record costs no lookup by schema and no dispatch on the schema's type; the values the
 * tail source shares between records (see {@link EcsRecords#isShared}) are written once per instance.
 *
 * <p>Covers schemas of structs, strings, integers, booleans, arrays and string-keyed maps with no defaults and no
 * names on the leaves ({@link #canWrite}). A null anywhere, or a value of another class than its schema's, throws
 * {@link NotWritable}: the caller leaves such a value to JsonConverter, which also words any error.
 */
final class StructJsonWriter {

    /** Bounds the label keys kept encoded; a connector has a handful. */
    private static final int MAX_KEYS_KEPT = 1024;

    private final JsonBytes out = new JsonBytes(1024);
    private final JsonFactory factory = new JsonFactory();
    /** Jackson's string writer, for text that is not all ASCII; it writes into {@link #out}. */
    private JsonGenerator strings;
    /** The writer of each schema seen; null for a schema that {@link #canWrite} refuses. */
    private final Map<Schema, ValueWriter> writers = new IdentityHashMap<>();
    private Schema lastSchema;
    private ValueWriter lastWriter;
    /** Label keys' {@code "key":}. */
    private final Map<String, byte[]> keys = new HashMap<>();
    /** The last string written as a whole value, and its JSON: the tail's key is one instance per file. */
    private String lastText;
    private byte[] lastTextJson;

    StructJsonWriter() {
        factory.setRootValueSeparator(null);
        strings = newStringWriter();
    }

    /** Whether values of {@code schema} are written here (they still may not be, if they hold a null). */
    boolean canWrite(Schema schema) {
        return writer(schema) != null;
    }

    /**
     * The JSON of {@code value}, a value of {@code schema}, which {@link #canWrite} accepts.
     *
     * @throws NotWritable for a null or a value of the wrong class anywhere in it
     */
    byte[] write(Schema schema, Object value) throws IOException {
        out.reset();
        try {
            if (value instanceof String text && schema.type() == Schema.Type.STRING) {
                if (text != lastText) {
                    writeString(text);
                    lastTextJson = out.toByteArray();
                    lastText = text;
                }
                return lastTextJson.clone();
            }
            write(writer(schema), value);
            return out.toByteArray();
        } catch (ClassCastException e) {
            strings = newStringWriter();
            throw NotWritable.INSTANCE;
        } catch (NotWritable | IOException e) {
            // Jackson's writer may hold half a string; the next value starts on a fresh one
            strings = newStringWriter();
            throw e;
        }
    }

    private ValueWriter writer(Schema schema) {
        if (schema == lastSchema) {
            return lastWriter;
        }
        ValueWriter writer = writers.get(schema);
        if (writer == null && !writers.containsKey(schema)) {
            writer = build(schema);
            writers.put(schema, writer);
        }
        lastSchema = schema;
        lastWriter = writer;
        return writer;
    }

    /** The writer of values of {@code schema}; null if this class does not write them. */
    private ValueWriter build(Schema schema) {
        if (schema.defaultValue() != null) {
            return null;
        }
        ValueWriter writer = switch (schema.type()) {
            case STRUCT -> struct(schema);
            case ARRAY -> schema.name() != null ? null : array(build(schema.valueSchema()));
            case MAP -> schema.name() != null || schema.keySchema().type() != Schema.Type.STRING
                    || schema.keySchema().name() != null ? null : map(build(schema.valueSchema()));
            case STRING -> schema.name() != null ? null : value -> writeString(((CharSequence) value).toString());
            case BOOLEAN -> schema.name() != null ? null : value -> out.writeAscii((Boolean) value ? "true" : "false");
            case INT8 -> schema.name() != null ? null : value -> out.writeDecimal((Byte) value);
            case INT16 -> schema.name() != null ? null : value -> out.writeDecimal((Short) value);
            case INT32 -> schema.name() != null ? null : value -> out.writeDecimal((Integer) value);
            case INT64 -> schema.name() != null ? null : value -> out.writeDecimal((Long) value);
            default -> null;
        };
        return writer != null && EcsRecords.isShared(schema) ? new SharedWriter(writer) : writer;
    }

    private ValueWriter struct(Schema schema) {
        List<Field> fields = schema.fields();
        byte[][] names = new byte[fields.size()][];
        ValueWriter[] values = new ValueWriter[fields.size()];
        for (Field field : fields) {
            values[field.index()] = build(field.schema());
            if (values[field.index()] == null) {
                return null;
            }
            names[field.index()] = encodeName(field.name());
        }
        return value -> {
            Struct struct = (Struct) value;
            if (struct.schema() != schema) {
                throw NotWritable.INSTANCE;
            }
            out.write('{');
            // by index: an iterator per struct and record was a twentieth of what the agent allocated
            for (int i = 0; i < names.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(names[i]);
                if (struct instanceof DeferredCheckStruct unchecked) {
                    if (unchecked.isPlain(i)) {
                        writePlain((String) unchecked.valueAt(i));
                    } else {
                        write(values[i], unchecked.valueAt(i));
                    }
                } else {
                    write(values[i], struct.get(fields.get(i)));
                }
            }
            out.write('}');
        };
    }

    private ValueWriter array(ValueWriter elements) {
        return elements == null ? null : value -> {
            out.write('[');
            boolean first = true;
            for (Object element : (Collection<?>) value) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                write(elements, element);
            }
            out.write(']');
        };
    }

    private ValueWriter map(ValueWriter values) {
        return values == null ? null : value -> {
            out.write('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (entry.getKey() == null) {
                    throw NotWritable.INSTANCE;
                }
                if (!first) {
                    out.write(',');
                }
                first = false;
                writeKey(((CharSequence) entry.getKey()).toString());
                write(values, entry.getValue());
            }
            out.write('}');
        };
    }

    private void write(ValueWriter writer, Object value) throws IOException {
        if (value == null) {
            throw NotWritable.INSTANCE;
        }
        writer.write(value);
    }

    /**
     * Writes values the tail source shares between records (its host, a file, an entry's labels) once per instance:
     * it builds them once and never changes them. The last one is at hand, the others looked up; as many are kept
     * as the tail source keeps.
     */
    private final class SharedWriter implements ValueWriter {
        private final ValueWriter fresh;
        private final Map<Object, byte[]> json = new IdentityHashMap<>();
        private Object lastValue;
        private byte[] lastJson;

        SharedWriter(ValueWriter fresh) {
            this.fresh = fresh;
        }

        @Override
        public void write(Object value) throws IOException {
            if (value != lastValue) {
                byte[] known = json.get(value);
                if (known == null) {
                    int from = out.length();
                    fresh.write(value);
                    known = out.copyFrom(from);
                    out.truncate(from);
                    if (json.size() >= EcsRecords.MAX_FILES_KEPT) {
                        json.clear();
                    }
                    json.put(value, known);
                }
                lastValue = value;
                lastJson = known;
            }
            out.write(lastJson);
        }
    }

    /** A label key's {@code "key":}, kept encoded for the first keys seen. */
    private void writeKey(String key) throws IOException {
        byte[] encoded = keys.get(key);
        if (encoded == null) {
            encoded = encodeName(key);
            if (keys.size() < MAX_KEYS_KEPT) {
                keys.put(key, encoded);
            }
        }
        out.write(encoded);
    }

    private byte[] encodeName(String name) {
        int from = out.length();
        try {
            writeString(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write(':');
        byte[] encoded = out.copyFrom(from);
        out.truncate(from);
        return encoded;
    }

    /** Text its record's builder knows to be plain (see {@link DeferredCheckStruct#setPlain}): its bytes, quoted. */
    private void writePlain(String text) {
        out.write('"');
        out.writeAscii(text);
        out.write('"');
    }

    private void writeString(String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        switch (JsonText.kind(text, utf8)) {
            case PLAIN -> {
                out.write('"');
                out.write(utf8);
                out.write('"');
            }
            case ESCAPED_ASCII -> JsonText.writeEscaped(utf8, out);
            default -> {
                strings.writeString(text);
                strings.flush();
            }
        }
    }

    private JsonGenerator newStringWriter() {
        try {
            return factory.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a value of the schema it was built for. */
    @FunctionalInterface
    private interface ValueWriter {
        void write(Object value) throws IOException;
    }

    /** A value this class does not write; thrown without a stack trace since it only redirects. */
    static final class NotWritable extends RuntimeException {
        static final NotWritable INSTANCE = new NotWritable();

        private NotWritable() {
            super(null, null, false, false);
        }
    }
}
