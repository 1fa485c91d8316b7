package io.logcollect.es.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.es.bulk.BulkAction;
import io.logcollect.es.bulk.BulkItem;
import io.logcollect.es.document.IndexNameFormat;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sink task's own status, every {@code status.interval.ms}, as a document of the status indices (DESIGN.md
 * section 9): its delivery ledger (records received, acknowledged, dead-lettered, dropped on purpose, let go at a
 * revocation, open) and the offsets it lets Connect commit, so the console's pipeline page shows what is committed
 * and why without JMX. It goes through the same bulk engine as the records, into an index of its own, and nothing
 * waits for it: its outcome is ignored, and it carries no offset.
 */
public final class SinkStatus {

    /** The tag of a status document in the engine: not a record, so no ticket. */
    static final Object TAG = new Object();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Who reports and where to.
     *
     * @param index      the index name format of the status documents (a date pattern, no topic)
     * @param intervalMs how often; 0 for never
     */
    public record Settings(String hostName, String agentId, String version, IndexNameFormat index, long intervalMs) {
    }

    private final Settings settings;
    private long nextAtNanos;

    public SinkStatus(Settings settings) {
        this.settings = settings;
        this.nextAtNanos = System.nanoTime();
    }

    /** The status document when one is due, else null. */
    BulkItem due(DeliveryLedger ledger, int buffered, long nowMillis) {
        long now = System.nanoTime();
        if (settings.intervalMs() <= 0 || now - nextAtNanos < 0) {
            return null;
        }
        nextAtNanos = now + settings.intervalMs() * 1_000_000L;
        try {
            return new BulkItem(BulkAction.INDEX, settings.index().format("logcollect-sink-status", nowMillis), null,
                    MAPPER.writeValueAsBytes(document(ledger, buffered, nowMillis)), TAG);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status document always serializes", e);
        }
    }

    /** The status document: the ledger's counts and committable offsets, ordered by topic and partition. */
    Map<String, Object> document(DeliveryLedger ledger, int buffered, long nowMillis) {
        Map<String, Object> sink = new LinkedHashMap<>();
        sink.put("interval_ms", settings.intervalMs());
        sink.put("received", ledger.received());
        sink.put("acknowledged", ledger.acknowledged());
        sink.put("dead_lettered", ledger.deadLettered());
        sink.put("dropped", ledger.dropped());
        sink.put("let_go", ledger.letGo());
        sink.put("open", ledger.pending());
        sink.put("buffered", buffered);
        List<Map<String, Object>> committable = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        offsets.putAll(ledger.committable());
        offsets.forEach((partition, offset) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("topic", partition.topic());
            entry.put("partition", partition.partition());
            entry.put("offset", offset.offset());
            committable.add(entry);
        });
        sink.put("committable", committable);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("@timestamp", Instant.ofEpochMilli(nowMillis).toString());
        document.put("host", Map.of("name", settings.hostName()));
        document.put("agent", Map.of("id", settings.agentId(), "type", "logcollect", "version", settings.version()));
        document.put("event", Map.of("kind", "metric", "dataset", "logcollect.sink"));
        document.put("metricset", Map.of("name", "logcollect_sink"));
        document.put("logcollect", Map.of("sink", sink));
        return document;
    }
}
