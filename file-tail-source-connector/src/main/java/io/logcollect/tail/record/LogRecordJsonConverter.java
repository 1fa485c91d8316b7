package io.logcollect.tail.record;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes exactly the bytes Kafka's {@link JsonConverter} writes with {@code schemas.enable=false}, several times
 * as fast for the tail's records: it writes the {@link Struct} straight into one reused byte array instead of
 * building a {@code JsonNode} tree per record and serialising it, which profiling showed to be half of the
 * agent's CPU.
 *
 * <p>ASCII, which is most of a log line, is copied as its bytes, with JSON's escapes where it needs them (quotes,
 * backslashes, control characters) written as Jackson writes them; field names and label keys are encoded once.
 * Text with other characters takes Jackson's own string writer, as in JsonConverter.
 *
 * <p>The fast path covers schemas made of structs, strings, integers, booleans, arrays and string-keyed maps
 * with no nulls and no defaults, which is every record the tail source produces. Anything else (schemaless values, logical
 * types, floats, bytes, nulls, tombstones) and all of {@code toConnectData} go to an inner {@link JsonConverter}
 * configured with the same settings, so the converter can stand in for JsonConverter on any connector.
 */
public final class LogRecordJsonConverter implements Converter {

    private final JsonConverter fallback = new JsonConverter();
    private static final VarHandle EIGHT_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Bounds the label keys kept encoded; a connector has a handful. */
    private static final int MAX_KEYS_KEPT = 1024;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** How Jackson escapes each ASCII character: 0 not at all, -1 by its code in four hex digits, else by a letter. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private final Map<Schema, Boolean> streamable = new IdentityHashMap<>();
    /** Each field's {@code "name":}, by schema and field index. */
    private final Map<Schema, byte[][]> fieldNames = new IdentityHashMap<>();
    /** Label keys' {@code "key":}. */
    private final Map<String, byte[]> keys = new HashMap<>();
    /** The JSON of values the tail source shares between records, by instance (see EcsRecords.isShared). */
    private final Map<Object, byte[]> sharedJson = new IdentityHashMap<>();
    private final JsonBytes out = new JsonBytes(1024);
    /** The last string written as a whole value, and its JSON: the tail's key is one instance per file. */
    private String lastText;
    private byte[] lastTextJson;
    private JsonFactory factory;
    /** Jackson's string writer, for text that is not all ASCII; it writes into {@link #out}. */
    private JsonGenerator strings;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object schemasEnable = configs.get(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG);
        if (schemasEnable != null && Boolean.parseBoolean(schemasEnable.toString())) {
            throw new ConfigException(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, schemasEnable,
                    getClass().getSimpleName() + " writes JSON without a schema envelope; set "
                            + JsonConverterConfig.SCHEMAS_ENABLE_CONFIG + "=false or use JsonConverter");
        }
        Map<String, Object> fallbackConfigs = new HashMap<>(configs);
        fallbackConfigs.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false);
        fallback.configure(fallbackConfigs, isKey);
        factory = new JsonFactory();
        factory.setRootValueSeparator(null);
        strings = newStringWriter();
    }

    @Override
    public ConfigDef config() {
        return JsonConverterConfig.configDef();
    }

    @Override
    public synchronized byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null || value == null || !isStreamable(schema)) {
            return fallback.fromConnectData(topic, schema, value);
        }
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
            write(schema, value);
            return out.toByteArray();
        } catch (NotStreamable | ClassCastException e) {
            // A null or a value of the wrong class deep inside: JsonConverter decides (and words any error).
            strings = newStringWriter();
            return fallback.fromConnectData(topic, schema, value);
        } catch (IOException e) {
            strings = newStringWriter();
            throw new DataException("cannot write JSON for topic " + topic, e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return fallback.toConnectData(topic, value);
    }

    @Override
    public void close() {
        fallback.close();
    }

    private JsonGenerator newStringWriter() {
        try {
            return factory.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether values of {@code schema} take the fast path (they still may not, if they hold a null). */
    boolean isStreamable(Schema schema) {
        Boolean known = streamable.get(schema);
        if (known == null) {
            known = checkStreamable(schema);
            streamable.put(schema, known);
        }
        return known;
    }

    private static boolean checkStreamable(Schema schema) {
        if (schema.defaultValue() != null) {
            return false;
        }
        switch (schema.type()) {
            case STRUCT:
                return schema.fields().stream().allMatch(field -> checkStreamable(field.schema()));
            case ARRAY:
                return schema.name() == null && checkStreamable(schema.valueSchema());
            case MAP:
                return schema.name() == null && schema.keySchema().type() == Schema.Type.STRING
                        && schema.keySchema().name() == null && checkStreamable(schema.valueSchema());
            case STRING:
            case BOOLEAN:
            case INT8:
            case INT16:
            case INT32:
            case INT64:
                return schema.name() == null;
            default:
                return false;
        }
    }

    private void write(Schema schema, Object value) throws IOException {
        if (value == null) {
            throw NotStreamable.INSTANCE;
        }
        if (EcsRecords.isShared(schema)) {
            out.write(sharedJson(schema, value));
        } else {
            writeFresh(schema, value);
        }
    }

    /**
     * The JSON of a value the tail source shares between records (its host, a file, an entry's labels), written
     * once per instance: it builds them once and never changes them. Kept for as many instances as it keeps.
     */
    private byte[] sharedJson(Schema schema, Object value) throws IOException {
        byte[] json = sharedJson.get(value);
        if (json == null) {
            int from = out.length();
            writeFresh(schema, value);
            json = out.copyFrom(from);
            if (sharedJson.size() >= EcsRecords.MAX_FILES_KEPT) {
                sharedJson.clear();
            }
            sharedJson.put(value, json);
            out.truncate(from);
        }
        return json;
    }

    private void writeFresh(Schema schema, Object value) throws IOException {
        switch (schema.type()) {
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (struct.schema() != schema) {
                    throw NotStreamable.INSTANCE;
                }
                out.write('{');
                byte[][] names = fieldNames(schema);
                List<Field> fields = schema.fields();
                // by index: an iterator per struct and record was a twentieth of what the agent allocated
                for (int i = 0; i < fields.size(); i++) {
                    Field field = fields.get(i);
                    if (i > 0) {
                        out.write(',');
                    }
                    out.write(names[field.index()]);
                    if (struct instanceof DeferredCheckStruct unchecked) {
                        if (unchecked.isPlain(field.index())) {
                            writePlain((String) unchecked.valueAt(field.index()));
                        } else {
                            write(field.schema(), unchecked.valueAt(field.index()));
                        }
                    } else {
                        write(field.schema(), struct.get(field));
                    }
                }
                out.write('}');
            }
            case ARRAY -> {
                out.write('[');
                boolean first = true;
                for (Object element : (Collection<?>) value) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    write(schema.valueSchema(), element);
                }
                out.write(']');
            }
            case MAP -> {
                out.write('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    if (entry.getKey() == null) {
                        throw NotStreamable.INSTANCE;
                    }
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    writeKey(((CharSequence) entry.getKey()).toString());
                    write(schema.valueSchema(), entry.getValue());
                }
                out.write('}');
            }
            case STRING -> writeString(((CharSequence) value).toString());
            case BOOLEAN -> out.writeAscii((Boolean) value ? "true" : "false");
            case INT8 -> out.writeDecimal((Byte) value);
            case INT16 -> out.writeDecimal((Short) value);
            case INT32 -> out.writeDecimal((Integer) value);
            case INT64 -> out.writeDecimal((Long) value);
            default -> throw NotStreamable.INSTANCE;
        }
    }

    /** The schema's {@code "name":} for each field, encoded once. */
    private byte[][] fieldNames(Schema schema) throws IOException {
        byte[][] names = fieldNames.get(schema);
        if (names == null) {
            names = new byte[schema.fields().size()][];
            for (Field field : schema.fields()) {
                names[field.index()] = encodeName(field.name());
            }
            fieldNames.put(schema, names);
        }
        return names;
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

    private byte[] encodeName(String name) throws IOException {
        int from = out.length();
        writeString(name);
        out.write(':');
        byte[] encoded = out.copyFrom(from);
        out.truncate(from);
        return encoded;
    }

    private void writeString(String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        switch (kind(text, utf8)) {
            case PLAIN -> {
                out.write('"');
                out.write(utf8);
                out.write('"');
            }
            case ESCAPED_ASCII -> writeEscaped(utf8);
            default -> {
                strings.writeString(text);
                strings.flush();
            }
        }
    }

    /** Text its record's builder knows to be plain (see {@link DeferredCheckStruct#setPlain}): its bytes, quoted. */
    private void writePlain(String text) {
        out.write('"');
        out.writeAscii(text);
        out.write('"');
    }

    /** ASCII with characters JSON escapes, escaped as Jackson escapes them; the runs between are copied whole. */
    private void writeEscaped(byte[] ascii) {
        out.write('"');
        int run = 0;
        for (int at = 0; at < ascii.length; at++) {
            byte b = ascii[at];
            byte escape = ESCAPES[b];
            if (escape == 0) {
                continue;
            }
            out.write(ascii, run, at - run);
            run = at + 1;
            out.write('\\');
            if (escape > 0) {
                out.write(escape);
            } else {
                out.write('u');
                out.write('0');
                out.write('0');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 0xf]);
            }
        }
        out.write(ascii, run, ascii.length - run);
        out.write('"');
    }

    /** What a string needs to be written as JSON. */
    enum TextKind {
        /** ASCII that JSON does not escape: written as its bytes. */
        PLAIN,
        /** ASCII with quotes, backslashes or control characters, which take JSON escapes. */
        ESCAPED_ASCII,
        /** Anything else: Jackson writes it. */
        OTHER
    }

    /**
     * What {@code text}, encoded as {@code utf8}, needs: nothing if it is ASCII that JSON does not escape, escapes if
     * it is ASCII with control characters, quotes or backslashes (Jackson escapes exactly those), Jackson's writer if
     * it has any byte of a multi-byte character (high bit set). An unpaired surrogate is encoded as {@code ?}, so
     * when the bytes hold a question mark, the question marks of both are counted: such text is left to Jackson,
     * which handles it as JsonConverter does. Eight bytes are looked at a time, since this scan runs over every byte
     * the agent ships.
     */
    static TextKind kind(String text, byte[] utf8) {
        long high = 0;
        long escaped = 0;
        long question = 0;
        int at = 0;
        for (; at + Long.BYTES <= utf8.length; at += Long.BYTES) {
            long eight = (long) EIGHT_BYTES.get(utf8, at);
            high |= eight;
            escaped |= (eight - repeated(0x20)) & ~eight | zeroByte(eight ^ repeated('"'))
                    | zeroByte(eight ^ repeated('\\'));
            question |= zeroByte(eight ^ repeated('?'));
        }
        for (; at < utf8.length; at++) {
            byte b = utf8[at];
            if (b < 0) {
                high = HIGH_BITS;
            } else if (b < 0x20 || b == '"' || b == '\\') {
                escaped = HIGH_BITS;
            } else if (b == '?') {
                question = HIGH_BITS;
            }
        }
        if ((high & HIGH_BITS) != 0
                || (question & HIGH_BITS) != 0 && count(utf8, (byte) '?') != count(text, '?')) {
            return TextKind.OTHER;
        }
        // A byte below 0x20 may mark the byte above it too (a borrow); either way the text takes escapes.
        return (escaped & HIGH_BITS) != 0 ? TextKind.ESCAPED_ASCII : TextKind.PLAIN;
    }

    /** The high bit of a byte is set where a byte of {@code eight} is zero (or, harmlessly, above such a byte). */
    private static long zeroByte(long eight) {
        return (eight - repeated(1)) & ~eight & HIGH_BITS;
    }

    private static long repeated(int b) {
        return 0x0101010101010101L * b;
    }

    private static int count(byte[] bytes, byte wanted) {
        int count = 0;
        for (byte b : bytes) {
            if (b == wanted) {
                count++;
            }
        }
        return count;
    }

    private static int count(String text, char wanted) {
        int count = 0;
        for (int at = text.indexOf(wanted); at >= 0; at = text.indexOf(wanted, at + 1)) {
            count++;
        }
        return count;
    }

    /** A value the fast path does not write; thrown without a stack trace since it only redirects. */
    private static final class NotStreamable extends RuntimeException {
        static final NotStreamable INSTANCE = new NotStreamable();

        private NotStreamable() {
            super(null, null, false, false);
        }
    }
}
