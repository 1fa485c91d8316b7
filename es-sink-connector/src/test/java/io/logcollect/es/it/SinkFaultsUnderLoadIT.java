package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults of a bad week against the shipped sink while records are produced: the search node going away with
 * requests in flight (SIGTERM or kill -9), then the central worker killed with -9, in either order. Two tasks
 * share three partitions, malformed documents go to the dead-letter queue, some lines are sent twice (as an
 * agent re-sends after a crash). Throughout, the committed offsets must never pass a record that is not in the
 * index; at the end every id is indexed exactly once and the dead-letter queue holds the malformed records only.
 */
class SinkFaultsUnderLoadIT {

    private static final KafkaBroker kafka = TestServices.kafka();
    private static final OpenSearchNode node = TestServices.opensearch();
    private static ConnectWorker worker;

    private static final int BURST = 20_000;
    private static final int RESENT_PER_BURST = 200;
    private static final int MALFORMED = 10;
    private static final long PACE_MS = 1000;

    @BeforeAll
    static void startWorker() {
        worker = ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka),
                "central-distributed.properties").start();
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }

    /** The run of the report: node stopped mid-request for 30 s, back, then the worker killed during a backoff. */
    @Test
    void nodeStoppedMidRequestThenWorkerKilledAfterItsReturn() {
        run("fault-stop-then-kill", 200_000, () -> {
            SinkFixtures.sleep(8000);
            node.stop();
            SinkFixtures.sleep(30_000);
            node.startProcess();
            SinkFixtures.sleep(10_000);
            worker.kill();
            SinkFixtures.sleep(2000);
            worker.startProcess();
        });
    }

    /** The node killed with -9 while requests are in flight, then back; no worker fault. */
    @Test
    void nodeKilledMidRequest() {
        run("fault-node-kill", 120_000, () -> {
            SinkFixtures.sleep(6000);
            node.kill();
            SinkFixtures.sleep(20_000);
            node.startProcess();
        });
    }

    /** The worker killed with -9 while the node is still down, then both back. */
    @Test
    void workerKilledWhileTheNodeIsDown() {
        run("fault-kill-while-down", 120_000, () -> {
            SinkFixtures.sleep(6000);
            node.stop();
            SinkFixtures.sleep(10_000);
            worker.kill();
            SinkFixtures.sleep(2000);
            worker.startProcess();
            SinkFixtures.sleep(10_000);
            node.startProcess();
        });
    }

    private void run(String topic, int distinct, Runnable faults) {
        String dlq = topic + "-dlq";
        String name = topic + "-sink";
        kafka.createTopic(topic, 3);
        Map<String, String> config = ShippedConfigs.sink(node.url(), topic);
        config.put("tasks.max", "2");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("status.interval.ms", "2000");
        worker.putConnector(name, config);
        worker.awaitRunning(name, 2, Duration.ofSeconds(90));

        CommitWatch watch = new CommitWatch(kafka, node, name, topic, topic + "-*");
        watch.start();
        Set<String> malformed = new HashSet<>();
        AtomicReference<RuntimeException> producerFailure = new AtomicReference<>();
        AtomicLong written = new AtomicLong();
        Thread producer = new Thread(() -> {
            try {
                written.set(produce(topic, distinct, watch, malformed));
            } catch (RuntimeException e) {
                producerFailure.set(e);
            }
        }, "producer-" + topic);
        long started = System.nanoTime();
        producer.start();
        faults.run();
        join(producer);
        if (producerFailure.get() != null) {
            throw producerFailure.get();
        }
        long faultsOver = System.nanoTime();

        SinkFixtures.awaitExactCount(node, topic + "-*", distinct, Duration.ofMinutes(5));
        long allIndexed = System.nanoTime();
        JsonNode settings = node.http().get("/" + topic + "-*/_settings/index.refresh_interval").expectOk();
        assertFalse(settings.isEmpty(), "no index of " + topic);
        settings.forEach(index -> assertEquals(config.get("index.template.refresh.interval"),
                index.at("/settings/index/refresh_interval").asText(), "the shipped template's refresh interval"));
        SinkFixtures.await("every offset committed", Duration.ofMinutes(2),
                () -> watch.committed().values().stream().mapToLong(Long::longValue).sum()
                        == written.get());
        assertLedgersShowEverythingDone(name, watch.committed());
        List<String> violations = watch.finish();
        assertTrue(violations.isEmpty(), "committed offsets passed records not in the index ("
                + violations.size() + "), first ones: " + violations.subList(0, Math.min(10, violations.size())));
        assertTrue(watch.samples() > 20, "the committed offsets were sampled " + watch.samples() + " times only");

        List<ConsumerRecord<String, String>> dead = kafka.consume(dlq, MALFORMED, Duration.ofSeconds(60));
        Set<String> deadValues = new HashSet<>();
        dead.forEach(record -> deadValues.add(record.value()));
        assertEquals(malformed, deadValues, "the dead-letter queue holds exactly the malformed records");
        System.out.printf("%s: %d ids indexed once, %d dead-letter records (%d distinct), faults over after %.1f s,"
                        + " all indexed %.1f s later, %d samples of the committed offsets%n", topic, distinct,
                dead.size(), deadValues.size(), (faultsOver - started) / 1e9, (allIndexed - faultsOver) / 1e9,
                watch.samples());
        worker.deleteConnector(name);
    }

    /**
     * Each task's newest status document (its delivery ledger) says nothing is open or buffered, and every
     * offset it lets Connect commit is the one the group committed: the end of the partition. A task started
     * again after the last record of a partition was committed received nothing of it, so its ledger names no
     * offset there: its previous incarnation committed it.
     */
    private void assertLedgersShowEverythingDone(String name, Map<Integer, Long> committed) {
        long after = System.currentTimeMillis() + 1000;
        String topic = name.replace("-sink", "");
        AtomicReference<String> seen = new AtomicReference<>("no status document");
        try {
            SinkFixtures.await("both tasks' ledgers after the end", Duration.ofSeconds(60), () -> {
                Map<String, JsonNode> newest = newestSinkStatuses(name, after);
                boolean done = newest.size() == 2;
                for (JsonNode sink : newest.values()) {
                    done &= sink.path("open").asLong() == 0 && sink.path("buffered").asLong() == 0;
                    for (JsonNode offset : sink.path("committable")) {
                        done &= offset.path("topic").asText().equals(topic) && Long.valueOf(
                                offset.path("offset").asLong()).equals(committed.get(offset.path("partition").asInt()));
                    }
                }
                seen.set(newest.toString());
                return done;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; committed " + committed + ", newest ledgers " + seen.get());
        }
    }

    /** The newest status document of each of the connector's tasks since {@code after}, by task. */
    private Map<String, JsonNode> newestSinkStatuses(String name, long after) {
        node.http().post("/logcollect-status-*/_refresh", null);
        JsonNode hits = node.search("logcollect-status-*", Map.of("size", 20,
                "sort", List.of(Map.of("@timestamp", "desc")), "query", Map.of("bool", Map.of("filter", List.of(
                        Map.of("term", Map.of("event.dataset", "logcollect.sink")),
                        Map.of("range", Map.of("@timestamp", Map.of("gte", after)))))))).path("hits").path("hits");
        Map<String, JsonNode> newest = new HashMap<>();
        for (JsonNode hit : hits) {
            String task = hit.path("_source").at("/agent/id").asText();
            if (task.endsWith("/" + name + "-0") || task.endsWith("/" + name + "-1")) {
                newest.putIfAbsent(task, hit.path("_source").at("/logcollect/sink"));
            }
        }
        return newest;
    }

    /**
     * Writes {@code distinct} records in bursts of {@link #BURST}, one a second, each burst followed by
     * {@link #RESENT_PER_BURST} records of the burst before sent again (as an agent re-sends after a crash) and some
     * malformed ones; returns how many records it wrote. Every record's partition and offset go to the
     * watch.
     */
    private long produce(String topic, int distinct, CommitWatch watch, Set<String> malformed) {
        Map<String, Object> overrides = Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        int bursts = distinct / BURST;
        int malformedSent = 0;
        long written = 0;
        try (KafkaProducer<String, String> producer = kafka.producer(overrides)) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int burst = 0; burst < bursts; burst++) {
                long burstStart = System.nanoTime();
                for (int i = burst * BURST; i < (burst + 1) * BURST; i++) {
                    send(producer, topic, i, SinkFixtures.ecsRecord(topic, i), topic + "-" + i, watch, failure);
                }
                for (int r = 0; r < RESENT_PER_BURST; r++) {
                    int i = Math.max(0, burst - 1) * BURST + r * (BURST / RESENT_PER_BURST);
                    send(producer, topic, i, SinkFixtures.ecsRecord(topic, i), topic + "-" + i, watch, failure);
                }
                int malformedHere = burst == bursts - 1 ? MALFORMED - malformedSent : MALFORMED / bursts;
                for (int m = 0; m < malformedHere; m++, malformedSent++) {
                    String value = "{\"@timestamp\":\"yesterday at noon\",\"message\":\"malformed " + malformedSent
                            + "\",\"event\":{\"id\":\"" + topic + "-malformed-" + malformedSent + "\"}}";
                    malformed.add(value);
                    send(producer, topic, malformedSent, value, null, watch, failure);
                }
                producer.flush();
                written += BURST + RESENT_PER_BURST + malformedHere;
                if (failure.get() != null) {
                    throw new IllegalStateException("a record was not written", failure.get());
                }
                long left = Duration.ofMillis(PACE_MS).toNanos() - (System.nanoTime() - burstStart);
                if (left > 0) {
                    SinkFixtures.sleep(left / 1_000_000);
                }
            }
        }
        return written;
    }

    private static void send(KafkaProducer<String, String> producer, String topic, long i, String value, String id,
                             CommitWatch watch, AtomicReference<Exception> failure) {
        producer.send(new ProducerRecord<>(topic, null, SinkFixtures.timestamp(i), "web-" + (i % 7), value),
                (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    } else {
                        watch.produced(metadata.partition(), metadata.offset(), id);
                    }
                });
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofMinutes(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
