package io.logcollect.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaCluster;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on a three-node Kafka cluster (replication factor 3, {@code min.insync.replicas=2}) with the shipped
 * agent and central configs, under a steady load of log lines while a node is killed: every line must end up
 * searchable exactly once, which is checked line by line (by byte offset) in the index.
 */
class ClusterFailoverIT {

    /** Fixed-width lines, so line n starts at byte n * LINE_BYTES. */
    private static final int LINE_BYTES = 32;
    /** Written at 5,000 lines/s: 12 s of load, so that each fault hits a running stream. */
    private static final int LINES = 60_000;

    private static KafkaCluster kafka;
    private static EtcdServer etcd;
    private static SearchNode search;
    /** Three central workers in one group, as shipped. */
    private static List<ConnectWorker> central;

    @BeforeAll
    static void startCluster() {
        kafka = KafkaCluster.start(3);
        etcd = TestServices.etcd();
        search = TestServices.opensearch();
        String group = "central-" + UUID.randomUUID().toString().substring(0, 8);
        central = List.of(centralWorker(group), centralWorker(group), centralWorker(group));
    }

    private static ConnectWorker centralWorker(String group) {
        return ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka.clients()).groupId(group),
                        "central-distributed.properties")
                .property("config.storage.replication.factor", "3")
                .property("offset.storage.replication.factor", "3")
                .property("status.storage.replication.factor", "3")
                .start();
    }

    @AfterAll
    static void stopCluster() {
        central.forEach(ConnectWorker::stop);
        kafka.stop();
    }

    @Test
    void killMinus9OfThePartitionLeaderUnderLoadLosesAndDuplicatesNoLine() throws Exception {
        Pipeline pipeline = Pipeline.start("failover-broker", Map.of());
        try {
            // 5,000 lines/s for 12 s, so that the kill and the election happen while lines keep coming
            Thread writer = writer(pipeline.file(), LINES, 100, 500);
            writer.start();
            awaitInKafka(pipeline.topic(), LINES / 4, Duration.ofMinutes(2));
            int leader = kafka.leaderOf(pipeline.topic(), 0);
            long atKill = endOffset(pipeline.topic());
            long killed = System.nanoTime();
            kafka.node(leader).kill();
            awaitInKafka(pipeline.topic(), atKill + 1, Duration.ofMinutes(2));
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            int newLeader = kafka.leaderOf(pipeline.topic(), 0);
            writer.join();
            kafka.node(leader).startProcess();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (kafka.inSyncReplicas(pipeline.topic(), 0).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertEquals(3, kafka.inSyncReplicas(pipeline.topic(), 0).size(), "the restarted node did not catch up");
            LineCheck check = LineCheck.of(search, pipeline.topic() + "-*", LINES, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("broker leader kill: node %d killed (leader now %d), Kafka took lines again after %.1f s,"
                            + " all %,d lines searchable %.1f s after the kill; missing %d, duplicated %d%n",
                    leader, newLeader, recoverySeconds, LINES, (System.nanoTime() - killed) / 1e9, check.missing(),
                    check.duplicated());
            assertTrue(newLeader != leader, "the leadership did not move");
            check.assertExactlyOnce(LINES);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void killMinus9OfTheCentralWorkerRunningTheSinkTaskUnderLoadLosesAndDuplicatesNoLine() throws Exception {
        // one sink task, so that the kill certainly hits the worker that holds the partition mid-batch
        Pipeline pipeline = Pipeline.start("failover-worker", Map.of("tasks.max", "1"));
        try {
            Thread writer = writer(pipeline.file(), LINES, 100, 500);
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (search.count(pipeline.topic() + "-*") < LINES / 8 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            ConnectWorker running = workerRunningTask(pipeline.sink(), central.get(0));
            ConnectWorker survivor = central.stream().filter(worker -> worker != running).findFirst().orElseThrow();
            long killed = System.nanoTime();
            running.kill();
            ConnectWorker next = running;
            while (next == running || next == null) {
                Thread.sleep(200);
                next = workerRunningTask(pipeline.sink(), survivor);
                if (System.nanoTime() > deadline + TimeUnit.MINUTES.toNanos(2)) {
                    throw new AssertionError("the sink task did not move to another worker");
                }
            }
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            writer.join();
            running.startProcess();
            LineCheck check = LineCheck.of(search, pipeline.topic() + "-*", LINES, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("central worker kill: the sink task ran again on another worker after %.1f s, all %,d"
                            + " lines searchable %.1f s after the kill; missing %d, duplicated %d%n",
                    recoverySeconds, LINES, (System.nanoTime() - killed) / 1e9, check.missing(), check.duplicated());
            check.assertExactlyOnce(LINES);
        } finally {
            pipeline.stop();
        }
    }

    /** The worker whose task 0 of {@code connector} is RUNNING, asked through {@code asked}; null if none is. */
    private static ConnectWorker workerRunningTask(String connector, ConnectWorker asked) {
        JsonNode task = asked.status(connector).path("tasks").path(0);
        if (!task.path("state").asText().equals("RUNNING")) {
            return null;
        }
        String workerId = task.path("worker_id").asText();
        return central.stream().filter(worker -> worker.restUrl().endsWith("//" + workerId)).findFirst()
                .orElse(null);
    }

    /**
     * One agent with the shipped configs tailing one file into a topic of its own (replication factor 3, one
     * partition, its policy in etcd), and the shipped sink reading it on the central workers.
     */
    private record Pipeline(String name, String topic, Path file, String sink, ConnectWorker agent) {

        static Pipeline start(String name, Map<String, String> sinkOverrides) throws IOException {
            String topic = name.replace('-', '_');
            kafka.clients().createTopic(topic, 1);
            Path logs = Workspace.newDirectory(name);
            Path file = logs.resolve("busy.log");
            Files.writeString(file, "");
            etcd.put("/logcollect/policies/" + name + "/entries", "[{\"id\":\"busy\",\"paths\":[\"" + file
                    + "\"],\"topic\":\"" + topic + "\",\"start_at\":\"beginning\"}]");
            Map<String, String> sink = ShippedConfigs.sink(search.url(), topic);
            sink.put("errors.deadletterqueue.topic.replication.factor", "3");
            sink.putAll(sinkOverrides);
            String sinkName = name + "-sink";
            central.get(0).putConnector(sinkName, sink);
            ConnectWorker agent = ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka.clients(),
                            etcd.endpoint()), "agent-standalone.properties")
                    .connector(name + "-agent", ShippedConfigs.agent(name, logs)).start();
            return new Pipeline(name, topic, file, sinkName, agent);
        }

        void stop() {
            agent.stop();
            central.stream().filter(ConnectWorker::isRunning).findFirst().orElseThrow().deleteConnector(sink);
        }
    }

    /** Appends {@code lines} fixed-width lines, {@code batch} at a time every {@code pauseMillis}. */
    private static Thread writer(Path file, int lines, int pauseMillis, int batch) {
        return new Thread(() -> {
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardOpenOption.APPEND)) {
                for (int line = 0; line < lines; line++) {
                    out.write(String.format("failover line %017d\n", line));
                    if ((line + 1) % batch == 0) {
                        out.flush();
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void awaitInKafka(String topic, long records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (endOffset(topic) < records) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " holds " + endOffset(topic) + " records, not " + records);
            }
            Thread.sleep(100);
        }
    }

    /** The partition's end offset; -1 while no leader answers. */
    private static long endOffset(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = kafka.clients().admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(5, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Every line of one file, looked up in the index by its byte offset. */
    record LineCheck(long documents, int missing, int duplicated) {

        void assertExactlyOnce(int lines) {
            assertEquals(0, missing, "lines missing from the index");
            assertEquals(0, duplicated, "lines indexed more than once");
            assertEquals(lines, documents);
        }

        static LineCheck of(SearchNode search, String index, int lines, int lineBytes, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (search.count(index) < lines && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            int[] seen = new int[lines];
            long documents = 0;
            JsonNode after = null;
            while (true) {
                ObjectNode body = HttpJson.MAPPER.createObjectNode();
                body.put("size", 10_000);
                body.put("_source", false);
                body.putArray("docvalue_fields").add("log.offset");
                body.putArray("sort").addObject().put("log.offset", "asc");
                if (after != null) {
                    body.set("search_after", after);
                }
                JsonNode hits = search.http().send("POST", "/" + index + "/_search", body.toString(),
                        "application/json").expectOk().path("hits").path("hits");
                if (hits.isEmpty()) {
                    break;
                }
                for (JsonNode hit : hits) {
                    long offset = hit.path("fields").path("log.offset").get(0).asLong();
                    int line = (int) (offset / lineBytes);
                    if (offset % lineBytes != 0 || line >= lines) {
                        throw new AssertionError("a document at byte " + offset + ", which starts no line");
                    }
                    seen[line]++;
                    documents++;
                }
                after = hits.get(hits.size() - 1).path("sort");
            }
            int missing = 0;
            int duplicated = 0;
            for (int count : seen) {
                if (count == 0) {
                    missing++;
                } else if (count > 1) {
                    duplicated++;
                }
            }
            return new LineCheck(documents, missing, duplicated);
        }
    }
}
