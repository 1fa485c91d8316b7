package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Watches a sink connector's committed offsets while it runs and checks, after each sample, that every record
 * below a committed offset is in the index (or is one of the records meant for the dead-letter queue): a
 * commit that passes a record the engine never took is a loss the moment the worker dies, whatever happens
 * later. Records are known by the producer's metadata (partition and offset to document id).
 */
final class CommitWatch implements AutoCloseable {

    private static final int CHUNK = 5000;

    private final KafkaBroker kafka;
    private final SearchNode node;
    private final String group;
    private final String topic;
    private final String indexPattern;
    /** partition -> offset -> document id; null for a record meant for the dead-letter queue. */
    private final Map<Integer, Map<Long, String>> produced = new ConcurrentHashMap<>();
    private final Map<Integer, Long> verifiedUpTo = new HashMap<>();
    private final Map<Integer, Long> pendingUpTo = new HashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private Admin admin;
    private volatile boolean running = true;
    private volatile int samples;

    CommitWatch(KafkaBroker kafka, SearchNode node, String connector, String topic, String indexPattern) {
        this.kafka = kafka;
        this.node = node;
        this.group = "connect-" + connector;
        this.topic = topic;
        this.indexPattern = indexPattern;
        this.thread = new Thread(this::run, "commit-watch-" + connector);
        this.thread.setDaemon(true);
    }

    /** A record the producer wrote; {@code id} is null for a record that must end in the dead-letter queue. */
    void produced(int partition, long offset, String id) {
        produced.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).put(offset, id == null ? "" : id);
    }

    void start() {
        thread.start();
    }

    /** Samples once more, checks everything below the final commits, and stops. */
    List<String> finish() {
        running = false;
        try {
            thread.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sampleAndCheck();
        return List.copyOf(violations);
    }

    int samples() {
        return samples;
    }

    /** The committed offset of every partition of the topic, read now. */
    synchronized Map<Integer, Long> committed() {
        return readCommitted();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private void run() {
        while (running) {
            sampleAndCheck();
            SinkFixtures.sleep(1000);
        }
    }

    private synchronized void sampleAndCheck() {
        Map<Integer, Long> committed = readCommitted();
        if (committed == null) {
            return;
        }
        samples++;
        committed.forEach((partition, offset) -> pendingUpTo.merge(partition, offset, Math::max));
        for (Map.Entry<Integer, Long> pending : pendingUpTo.entrySet()) {
            int partition = pending.getKey();
            long from = verifiedUpTo.getOrDefault(partition, 0L);
            long to = pending.getValue();
            if (from >= to) {
                continue;
            }
            Long checkedTo = check(partition, from, to);
            if (checkedTo == null) {
                return;
            }
            verifiedUpTo.put(partition, checkedTo);
        }
    }

    /** Checks offsets [from, to) of a partition; returns how far it got, or null when it got nowhere. */
    private Long check(int partition, long from, long to) {
        Map<Long, String> ids = produced.getOrDefault(partition, Map.of());
        long offset = from;
        while (offset < to) {
            Map<String, List<Long>> chunk = new HashMap<>();
            long end = Math.min(to, offset + CHUNK);
            for (long o = offset; o < end; o++) {
                String id = ids.get(o);
                if (id == null) {
                    // the producer's callback for this record has not run yet: check it at the next sample
                    end = o;
                } else if (!id.isEmpty()) {
                    chunk.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
                }
            }
            if (end == offset) {
                return offset == from ? null : offset;
            }
            Set<String> present = presentIds(chunk.keySet());
            if (present == null) {
                return offset == from ? null : offset;
            }
            for (Map.Entry<String, List<Long>> entry : chunk.entrySet()) {
                if (!present.contains(entry.getKey())) {
                    violations.add("partition " + partition + " committed past offsets " + entry.getValue()
                            + " (id " + entry.getKey() + "), which are not in the index");
                }
            }
            offset = end;
        }
        return to;
    }

    private Set<String> presentIds(Set<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        try {
            node.http().post("/" + indexPattern + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
            JsonNode response = node.search(indexPattern, Map.of("size", ids.size(), "_source", false,
                    "query", Map.of("ids", Map.of("values", new ArrayList<>(ids)))));
            if (response.path("_shards").path("failed").asInt() > 0) {
                return null;
            }
            Set<String> present = new LinkedHashSet<>();
            response.path("hits").path("hits").forEach(hit -> present.add(hit.path("_id").asText()));
            return present;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Map<Integer, Long> readCommitted() {
        try {
            if (admin == null) {
                admin = kafka.admin();
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            Map<Integer, Long> committed = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(topic) && offset != null) {
                    committed.put(partition.partition(), offset.offset());
                }
            });
            return committed;
        } catch (Exception e) {
            return null;
        }
    }
}
