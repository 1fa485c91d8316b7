package io.logcollect.tail.record;

import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;
import io.logcollect.tail.identity.ContentCheck;
import io.logcollect.tail.identity.FileIdentity;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    public static final String OFFSET_CHECK_POSITION = "check_position";
    public static final String OFFSET_CHECK_LENGTH = "check_length";
    public static final String OFFSET_CHECK_HASH = "check_hash";

    /** Bounds what is kept for files long gone; rebuilding a file's parts is cheap. */
    static final int MAX_FILES_KEPT = 4096;
    // Positions of the fields, the same in every variant of the schemas below.
    private static final int TIMESTAMP_FIELD = 0;
    private static final int MESSAGE_FIELD = 1;
    private static final int EVENT_FIELD = 2;
    private static final int HOST_FIELD = 3;
    private static final int LOG_FIELD = 4;
    private static final int LABELS_FIELD = 5;
    private static final int EVENT_ID_FIELD = 0;
    private static final int EVENT_CREATED_FIELD = 1;
    private static final int LOG_FILE_FIELD = 0;
    private static final int LOG_OFFSET_FIELD = 1;
    private static final int LOG_FLAGS_FIELD = 2;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Schema EVENT = SchemaBuilder.struct().name("io.logcollect.Event")
            .field("id", Schema.STRING_SCHEMA).build();
    /** With {@code event.created}, the time the line was read, when {@code @timestamp} comes from the line. */
    private static final Schema EVENT_CREATED = SchemaBuilder.struct().name("io.logcollect.Event")
            .field("id", Schema.STRING_SCHEMA).field("created", Schema.STRING_SCHEMA).build();
    private static final Schema HOST = SchemaBuilder.struct().name("io.logcollect.Host")
            .field("name", Schema.STRING_SCHEMA).build();
    private static final Schema FILE = SchemaBuilder.struct().name("io.logcollect.LogFile")
            .field("path", Schema.STRING_SCHEMA)
            .field("inode", Schema.STRING_SCHEMA)
            .field("device_id", Schema.STRING_SCHEMA)
            .field("fingerprint", Schema.STRING_SCHEMA).build();
    private static final Schema FLAGS = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
    private static final Schema LOG = SchemaBuilder.struct().name("io.logcollect.Log")
            .field("file", FILE).field("offset", Schema.INT64_SCHEMA).build();
    private static final Schema LOG_WITH_FLAGS = SchemaBuilder.struct().name("io.logcollect.Log")
            .field("file", FILE).field("offset", Schema.INT64_SCHEMA).field("flags", FLAGS).build();
    private static final Schema LABELS = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
    public static final Schema VALUE = value(EVENT, LOG);
    public static final Schema VALUE_WITH_FLAGS = value(EVENT, LOG_WITH_FLAGS);
    private static final Schema VALUE_CREATED = value(EVENT_CREATED, LOG);
    private static final Schema VALUE_CREATED_WITH_FLAGS = value(EVENT_CREATED, LOG_WITH_FLAGS);

    private final String hostName;
    private final String policy;
    private final boolean keyByFile;
    private final Struct host;
    private final Map<String, Map<String, String>> labelsByEntry = new HashMap<>();
    /** By identity, not by its key: a key is a string built anew on each call, and this is looked up per line. */
    private final Map<FileIdentity, FileParts> partsByFile = new HashMap<>();
    private long formattedMillis = Long.MIN_VALUE;
    private String formatted;

    public EcsRecords(String hostName, String policy, boolean keyByFile) {
        this.hostName = hostName;
        this.policy = policy;
        this.keyByFile = keyByFile;
        this.host = new Struct(HOST).put("name", hostName);
    }

    private static Schema value(Schema event, Schema log) {
        return SchemaBuilder.struct().name("io.logcollect.LogRecord")
                .field("@timestamp", Schema.STRING_SCHEMA)
                .field("message", Schema.STRING_SCHEMA)
                .field("event", event)
                .field("host", HOST)
                .field("log", log)
                .field("labels", LABELS)
                .build();
    }

    /**
     * Whether values of {@code schema} are shared between records and never change once built: the task's host,
     * a file (built once per file and path), an entry's labels (an immutable map built once per entry). The
     * converter writes their JSON once per instance.
     */
    static boolean isShared(Schema schema) {
        return schema == HOST || schema == FILE || schema == LABELS;
    }

    private static Field field(Schema schema, int position) {
        return schema.fields().get(position);
    }

    /** The source partition of a file of an entry. */
    public static Map<String, Object> partition(String entryId, String fileIdentity) {
        // A HashMap, never Map.of: Connect stores offsets under the partition's JSON, written in iteration
        // order, and Map.of's order changes from one JVM to the next.
        Map<String, Object> partition = new HashMap<>(4);
        partition.put(PARTITION_ENTRY, entryId);
        partition.put(PARTITION_FILE, fileIdentity);
        return new SourcePartition(partition);
    }

    public SourceRecord record(LogEvent event) {
        boolean unparsed = event.timestampSource() == LogEvent.TimestampSource.UNPARSED;
        boolean created = event.timestampSource() == LogEvent.TimestampSource.LINE;
        boolean flagged = event.multiline() || event.truncated() || unparsed;
        Schema schema = created ? (flagged ? VALUE_CREATED_WITH_FLAGS : VALUE_CREATED)
                : (flagged ? VALUE_WITH_FLAGS : VALUE);
        FileParts file = fileParts(event);
        DeferredCheckStruct log = new DeferredCheckStruct(field(schema, LOG_FIELD).schema())
                .set(LOG_FILE_FIELD, file.file())
                .set(LOG_OFFSET_FIELD, event.offset());
        if (flagged) {
            List<String> flags = new ArrayList<>(3);
            if (event.multiline()) {
                flags.add("multiline");
            }
            if (event.truncated()) {
                flags.add("truncated");
            }
            if (unparsed) {
                flags.add("timestamp_unparsed");
            }
            log.set(LOG_FLAGS_FIELD, flags);
        }
        // event ids (URL-safe Base64) and timestamps are plain by construction
        DeferredCheckStruct eventStruct = new DeferredCheckStruct(field(schema, EVENT_FIELD).schema())
                .setPlain(EVENT_ID_FIELD, event.eventId());
        if (created) {
            eventStruct.setPlain(EVENT_CREATED_FIELD, formatTimestamp(event.readTimeMillis()));
        }
        DeferredCheckStruct value = new DeferredCheckStruct(schema)
                .setPlain(TIMESTAMP_FIELD, created ? formatTimestamp(event.timestampMillis())
                        : timestamp(event.readTimeMillis()));
        if (event.plainMessage()) {
            value.setPlain(MESSAGE_FIELD, event.message());
        } else {
            value.set(MESSAGE_FIELD, event.message());
        }
        value.set(EVENT_FIELD, eventStruct)
                .set(HOST_FIELD, host)
                .set(LOG_FIELD, log)
                .set(LABELS_FIELD, file.labels());
        return new SourceRecord(file.partition(), new PositionOffset(event.position()), event.entry().topic(), null,
                keyByFile ? Schema.STRING_SCHEMA : null, keyByFile ? file.key() : null, schema, value,
                event.timestampMillis());
    }

    /** A stored source offset as a file position; offsets written by logcollect 0.1 have no content check. */
    public static FilePosition position(Map<String, Object> offset) {
        ContentCheck check = offset.containsKey(OFFSET_CHECK_HASH)
                ? new ContentCheck(((Number) offset.get(OFFSET_CHECK_POSITION)).longValue(),
                ((Number) offset.get(OFFSET_CHECK_LENGTH)).intValue(), (String) offset.get(OFFSET_CHECK_HASH))
                : ContentCheck.NONE;
        return new FilePosition(((Number) offset.get(OFFSET_POSITION)).longValue(),
                ((Number) offset.getOrDefault(OFFSET_EPOCH, 0)).intValue(),
                ((Number) offset.getOrDefault(OFFSET_APPLIED, 0L)).longValue(), check);
    }

    /** What every record of a file shares, built once per file and path rather than once per line. */
    private FileParts fileParts(LogEvent event) {
        FileParts parts = partsByFile.get(event.file());
        if (parts == null || !parts.path().equals(event.path()) || !parts.entryId().equals(event.entry().id())) {
            if (partsByFile.size() >= MAX_FILES_KEPT) {
                partsByFile.clear();
            }
            parts = new FileParts(event.entry().id(), event.path(), partition(event.entry().id(), event.fileIdentity()),
                    hostName + "/" + event.fileIdentity(), file(event), labels(event));
            partsByFile.put(event.file(), parts);
        }
        return parts;
    }

    /** {@code log.file}: the path it was read at and its identity, which orders lines of one file (DESIGN.md 3). */
    private static Struct file(LogEvent event) {
        return new Struct(FILE).put("path", event.path()).put("inode", event.file().inode())
                .put("device_id", event.file().deviceId()).put("fingerprint", event.file().fingerprint());
    }

    private record FileParts(String entryId, String path, Map<String, Object> partition, String key, Struct file,
                             Map<String, String> labels) {
    }

    /**
     * Connect hashes a record's source partition at least twice per record to track offsets; a file's
     * partition is one shared instance whose hash is computed once.
     */
    private static final class SourcePartition extends AbstractMap<String, Object> {
        private final Map<String, Object> entries;
        private final int hash;

        SourcePartition(Map<String, Object> entries) {
            this.entries = Collections.unmodifiableMap(entries);
            this.hash = entries.hashCode();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return entries.entrySet();
        }

        @Override
        public Object get(Object key) {
            return entries.get(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private Map<String, String> labels(LogEvent event) {
        return labelsByEntry.computeIfAbsent(event.entry().id(), id -> {
            Map<String, String> labels = new LinkedHashMap<>(event.entry().fields());
            labels.put("policy", policy);
            labels.put("entry", id);
            return Map.copyOf(labels);
        });
    }

    /** An instant as {@code @timestamp} writes it: UTC, milliseconds. */
    static String formatTimestamp(long millis) {
        return TIMESTAMP.format(Instant.ofEpochMilli(millis));
    }

    private String timestamp(long millis) {
        if (millis != formattedMillis) {
            formatted = formatTimestamp(millis);
            formattedMillis = millis;
        }
        return formatted;
    }
}
