package io.logcollect.tail.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.tail.engine.EntryCheckpoint;
import io.logcollect.tail.engine.TailEngine;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The records that carry what the agent remembers beyond file positions, through Connect's offsets: an
 * entry's {@link EntryCheckpoint} (source partition {@code {"entry": id}}), and the deletion of a file's stored
 * position (its partition with a null offset, which Connect stores as a tombstone). Connect commits an offset
 * only with a record, so each goes to the status topic as a small ECS event that says what happened.
 */
public final class StateRecords {

    public static final String OFFSET_APPLIED = "applied";
    public static final String OFFSET_FILES = "files";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Long>> FILES = new TypeReference<>() {
    };
    private static final Schema EVENT = SchemaBuilder.struct().name("io.logcollect.StateEvent")
            .field("kind", Schema.STRING_SCHEMA).field("action", Schema.STRING_SCHEMA).build();
    private static final Schema HOST = SchemaBuilder.struct().name("io.logcollect.Host")
            .field("name", Schema.STRING_SCHEMA).build();
    private static final Schema LABELS = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
    public static final Schema VALUE = SchemaBuilder.struct().name("io.logcollect.StateRecord")
            .field("@timestamp", Schema.STRING_SCHEMA)
            .field("message", Schema.STRING_SCHEMA)
            .field("event", EVENT)
            .field("host", HOST)
            .field("labels", LABELS)
            .build();

    private final String hostName;
    private final String policy;
    private final String topic;

    public StateRecords(String hostName, String policy, String topic) {
        this.hostName = hostName;
        this.policy = policy;
        this.topic = topic;
    }

    /** The source partition of an entry's checkpoint. */
    public static Map<String, Object> partition(String entryId) {
        Map<String, Object> partition = new HashMap<>(2);
        partition.put(EcsRecords.PARTITION_ENTRY, entryId);
        return partition;
    }

    /** A stored checkpoint offset, read back. */
    public static Optional<EntryCheckpoint> checkpoint(String entryId, Map<String, Object> offset) {
        if (offset == null || !(offset.get(OFFSET_APPLIED) instanceof Number applied)) {
            return Optional.empty();
        }
        Map<String, Long> files;
        try {
            Object json = offset.get(OFFSET_FILES);
            files = json == null ? Map.of() : MAPPER.readValue(json.toString(), FILES);
        } catch (JsonProcessingException e) {
            throw new DataException("the stored checkpoint of entry '" + entryId + "' cannot be read: "
                    + e.getOriginalMessage());
        }
        return Optional.of(new EntryCheckpoint(entryId, applied.longValue(), files));
    }

    public SourceRecord checkpoint(EntryCheckpoint checkpoint, long nowMillis) {
        Map<String, Object> offset = new HashMap<>(4);
        offset.put(OFFSET_APPLIED, checkpoint.appliedAt());
        try {
            offset.put(OFFSET_FILES, MAPPER.writeValueAsString(new TreeMap<>(checkpoint.files())));
        } catch (JsonProcessingException e) {
            throw new DataException("cannot write the checkpoint of entry '" + checkpoint.entryId() + "'", e);
        }
        long missing = checkpoint.files().values().stream().filter(since -> since > 0).count();
        String message = "entry '" + checkpoint.entryId() + "' applied since "
                + Instant.ofEpochMilli(checkpoint.appliedAt()) + ": " + checkpoint.files().size()
                + " files known, " + missing + " of them not found now";
        return record(partition(checkpoint.entryId()), offset, checkpoint.entryId(), "entry-checkpoint", message,
                nowMillis);
    }

    public SourceRecord positionDeleted(TailEngine.ExpiredFile file, long nowMillis) {
        String message = "stored position of file " + file.fileKey() + " of entry '" + file.entryId()
                + "' deleted: the file was not found for clean.removed.ms";
        return record(EcsRecords.partition(file.entryId(), file.fileKey()), null, file.entryId(), "position-deleted",
                message, nowMillis);
    }

    private SourceRecord record(Map<String, Object> partition, Map<String, Object> offset, String entryId,
                                String action, String message, long nowMillis) {
        Map<String, String> labels = new HashMap<>(4);
        labels.put("policy", policy);
        labels.put("entry", entryId);
        Struct value = new Struct(VALUE)
                .put("@timestamp", EcsRecords.formatTimestamp(nowMillis))
                .put("message", message)
                .put("event", new Struct(EVENT).put("kind", "state").put("action", action))
                .put("host", new Struct(HOST).put("name", hostName))
                .put("labels", labels);
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, hostName + "/" + entryId,
                VALUE, value, nowMillis);
    }
}
