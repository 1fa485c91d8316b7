package io.logcollect.tail.record;

import io.logcollect.tail.engine.LogEvent;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link LogEvent}s into source records whose value follows the Elastic Common Schema (DESIGN.md
 * section 3), so Kibana's log views work on the index without mapping work.
 */
public final class EcsRecords {

    public static final String PARTITION_ENTRY = "entry";
    public static final String PARTITION_FILE = "file";
    public static final String OFFSET_POSITION = "position";
    public static final String OFFSET_EPOCH = "epoch";
    public static final String OFFSET_APPLIED = "applied";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Schema EVENT = SchemaBuilder.struct().name("io.logcollect.Event")
            .field("id", Schema.STRING_SCHEMA).build();
    private static final Schema HOST = SchemaBuilder.struct().name("io.logcollect.Host")
            .field("name", Schema.STRING_SCHEMA).build();
    private static final Schema FILE = SchemaBuilder.struct().name("io.logcollect.LogFile")
            .field("path", Schema.STRING_SCHEMA).build();
    private static final Schema FLAGS = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
    private static final Schema LOG = SchemaBuilder.struct().name("io.logcollect.Log")
            .field("file", FILE).field("offset", Schema.INT64_SCHEMA).build();
    private static final Schema LOG_WITH_FLAGS = SchemaBuilder.struct().name("io.logcollect.Log")
            .field("file", FILE).field("offset", Schema.INT64_SCHEMA).field("flags", FLAGS).build();
    private static final Schema LABELS = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
    public static final Schema VALUE = value(LOG);
    public static final Schema VALUE_WITH_FLAGS = value(LOG_WITH_FLAGS);

    private final String hostName;
    private final String policy;
    private final boolean keyByFile;
    private final Map<String, Map<String, String>> labelsByEntry = new HashMap<>();
    private long formattedMillis = Long.MIN_VALUE;
    private String formatted;

    public EcsRecords(String hostName, String policy, boolean keyByFile) {
        this.hostName = hostName;
        this.policy = policy;
        this.keyByFile = keyByFile;
    }

    private static Schema value(Schema log) {
        return SchemaBuilder.struct().name("io.logcollect.LogRecord")
                .field("@timestamp", Schema.STRING_SCHEMA)
                .field("message", Schema.STRING_SCHEMA)
                .field("event", EVENT)
                .field("host", HOST)
                .field("log", log)
                .field("labels", LABELS)
                .build();
    }

    /** The source partition of a file of an entry. */
    public static Map<String, Object> partition(String entryId, String fileIdentity) {
        Map<String, Object> partition = new HashMap<>(4);
        partition.put(PARTITION_ENTRY, entryId);
        partition.put(PARTITION_FILE, fileIdentity);
        return partition;
    }

    public SourceRecord record(LogEvent event) {
        boolean flagged = event.multiline() || event.truncated();
        Schema schema = flagged ? VALUE_WITH_FLAGS : VALUE;
        Schema logSchema = schema.field("log").schema();
        Struct log = new Struct(logSchema)
                .put("file", new Struct(FILE).put("path", event.path()))
                .put("offset", event.offset());
        if (flagged) {
            List<String> flags = new ArrayList<>(2);
            if (event.multiline()) {
                flags.add("multiline");
            }
            if (event.truncated()) {
                flags.add("truncated");
            }
            log.put("flags", flags);
        }
        Struct value = new Struct(schema)
                .put("@timestamp", timestamp(event.readTimeMillis()))
                .put("message", event.message())
                .put("event", new Struct(EVENT).put("id", event.eventId()))
                .put("host", new Struct(HOST).put("name", hostName))
                .put("log", log)
                .put("labels", labels(event));
        Map<String, Object> offset = new HashMap<>(4);
        offset.put(OFFSET_POSITION, event.position().position());
        offset.put(OFFSET_EPOCH, event.position().epoch());
        offset.put(OFFSET_APPLIED, event.position().appliedAt());
        String key = keyByFile ? hostName + "/" + event.fileIdentity() : null;
        return new SourceRecord(partition(event.entry().id(), event.fileIdentity()), offset,
                event.entry().topic(), null, keyByFile ? Schema.STRING_SCHEMA : null, key, schema, value,
                event.readTimeMillis());
    }

    private Map<String, String> labels(LogEvent event) {
        return labelsByEntry.computeIfAbsent(event.entry().id(), id -> {
            Map<String, String> labels = new LinkedHashMap<>(event.entry().fields());
            labels.put("policy", policy);
            labels.put("entry", id);
            return Map.copyOf(labels);
        });
    }

    private String timestamp(long millis) {
        if (millis != formattedMillis) {
            formatted = TIMESTAMP.format(Instant.ofEpochMilli(millis));
            formattedMillis = millis;
        }
        return formatted;
    }
}
