package io.logcollect.tail.record;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes exactly the bytes Kafka's {@link JsonConverter} writes with {@code schemas.enable=false}, several times
 * as fast for the tail's records: it writes the {@code Struct} straight into one reused byte array instead of
 * building a {@code JsonNode} tree per record and serialising it, which profiling showed to be half of the
 * agent's CPU.
 *
 * <p>ASCII, which is most of a log line, is copied as its bytes, with JSON's escapes where it needs them (quotes,
 * backslashes, control characters) written as Jackson writes them; text the tail source knows to need none (lines
 * the reader found plain, event ids, timestamps) is copied without being looked at; field names and label keys are
 * encoded once. Text with other characters takes Jackson's own string writer, as in JsonConverter.
 *
 * <p>The fast path ({@link StructJsonWriter}) covers schemas made of structs, strings, integers, booleans, arrays and
 * string-keyed maps with no nulls and no defaults, which is every record the tail source produces. Anything else
 * (schemaless values, logical types, floats, bytes, nulls, tombstones) and all of {@code toConnectData} go to an inner
 * {@link JsonConverter} configured with the same settings, so the converter can stand in for JsonConverter on any
 * connector.
 */
public final class LogRecordJsonConverter implements Converter {

    private final JsonConverter fallback = new JsonConverter();
    private StructJsonWriter writer;

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
        writer = new StructJsonWriter();
    }

    @Override
    public ConfigDef config() {
        return JsonConverterConfig.configDef();
    }

    @Override
    public synchronized byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null || value == null || !writer.canWrite(schema)) {
            return fallback.fromConnectData(topic, schema, value);
        }
        try {
            return writer.write(schema, value);
        } catch (StructJsonWriter.NotWritable e) {
            // A null or a value of the wrong class deep inside: JsonConverter decides (and words any error).
            return fallback.fromConnectData(topic, schema, value);
        } catch (IOException e) {
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

    /** Whether values of {@code schema} take the fast path (they still may not, if they hold a null). */
    boolean isStreamable(Schema schema) {
        return writer.canWrite(schema);
    }
}
