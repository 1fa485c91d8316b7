package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.RotatingLog;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka unreachable while logrotate renames the live file every 15 s and deletes the generation before it
 * ({@code rotate 1}), with the shipped agent (standalone worker, infinite delivery timeout): the agent holds every
 * file it matched, renamed out of its globs or deleted, and reads them to their end once Kafka is back. Two entry
 * shapes: the live name only, and a glob over every generation.
 */
class OutageIT {

    private static final int LINES_PER_SECOND = 1000;
    private static final Duration ROTATE_EVERY = Duration.ofSeconds(15);

    private static KafkaBroker kafka;
    private static EtcdServer etcd;
    private ConnectWorker agent;
    private final List<RotatingLog> logs = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = KafkaBroker.start();
        etcd = TestServices.etcd();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @AfterEach
    void stopAgent() {
        logs.forEach(RotatingLog::stop);
        if (agent != null) {
            agent.stop();
        }
        if (!kafka.isRunning()) {
            kafka.startProcess();
        }
    }

    /** Kafka stopped for 60 s under rotation: every line arrives once, in order per file. */
    @Test
    void aMinuteWithoutKafkaUnderRotationLosesNothing() throws Exception {
        Path dir = Workspace.newDirectory("outage-logs");
        RotatingLog live = log(dir.resolve("live"), "live");
        RotatingLog glob = log(dir.resolve("glob"), "glob");
        agent = startAgent("outage", dir, entries(
                entry("live", "outage-live", dir.resolve("live/app.log").toString()),
                entry("glob", "outage-glob", dir.resolve("glob/app.log*").toString())), Map.of());

        sleep(10_000);
        kafka.stop();
        sleep(30_000);
        JsonNode blocked = registration("outage");
        assertTrue(blocked.at("/output/output_blocked_since").isTextual(), blocked.toString());
        assertTrue(blocked.at("/output/held_bytes").asLong() > 0, blocked.toString());
        assertEquals("RUNNING", task(blocked, "outage").path("state").asText(), blocked.toString());
        sleep(30_000);
        kafka.startProcess();
        sleep(10_000);
        live.stop();
        glob.stop();

        assertEveryLineOnceInOrder(live, "outage-live");
        assertEveryLineOnceInOrder(glob, "outage-glob");
        JsonNode status = lastStatus("outage");
        assertEquals(0, status.at("/logcollect/status/lost/bytes").asLong(), status.toString());
        assertEquals(0, status.at("/logcollect/status/lost/lines").asLong(), status.toString());
        JsonNode flowing = registration("outage");
        assertTrue(flowing.at("/output/output_blocked_since").isMissingNode(), flowing.toString());
        assertEquals(0, flowing.at("/output/lost_bytes").asLong(), flowing.toString());
    }

    /**
     * With a small {@code max.held.bytes} the agent must let go of deleted generations it could not read: what it
     * reports lost is exactly what is missing in Kafka, and every other line arrives once.
     */
    @Test
    void whatTheHoldingBoundLetsGoIsCountedExactly() throws Exception {
        Path dir = Workspace.newDirectory("outage-bounded");
        RotatingLog live = log(dir.resolve("live"), "bounded");
        agent = startAgent("bounded", dir, entries(
                entry("live", "bounded-live", dir.resolve("live/app.log").toString())),
                Map.of("max.held.bytes", String.valueOf(256 * 1024)));

        sleep(5_000);
        kafka.stop();
        // two rotations: the first generation renamed away (1.5 MB unread) is already past the 256 KiB bound
        sleep(30_000);
        kafka.startProcess();
        sleep(5_000);
        live.stop();

        List<JsonNode> records = awaitQuiet("bounded-live");
        Map<Long, Integer> seen = sequences(records);
        long missing = 0;
        for (long seq = 0; seq < live.written(); seq++) {
            Integer count = seen.get(seq);
            if (count == null) {
                missing++;
            } else {
                assertEquals(1, count, "line " + seq + " arrived " + count + " times");
            }
        }
        assertTrue(missing > 0, "the bound never forced a loss: the test proves nothing");
        JsonNode status = lastStatus("bounded");
        assertEquals(missing, status.at("/logcollect/status/lost/lines").asLong(), status.toString());
        assertTrue(status.at("/logcollect/status/lost/files").size() > 0, status.toString());
        JsonNode registered = registration("bounded");
        assertEquals(missing, registered.at("/output/lost_lines").asLong(), registered.toString());
        assertEquals(status.at("/logcollect/status/lost/bytes").asLong(), registered.at("/output/lost_bytes").asLong(),
                registered.toString());
    }

    /**
     * The agent killed with -9 while Kafka is down, then Kafka back, then the agent: it reads every file still
     * there from its last committed position (lines it sent before may arrive again, with their ids). Only the
     * generations deleted after Kafka went away and before the agent came back can be missing: once the agent's
     * handles are gone with it, nothing keeps their unsent lines.
     */
    @Test
    void anAgentKilledDuringTheOutageLosesOnlyWhatWasDeletedWhileItWasDown() throws Exception {
        Path dir = Workspace.newDirectory("outage-kill");
        RotatingLog live = log(dir.resolve("glob"), "killed");
        agent = startAgent("killed", dir, entries(
                entry("glob", "killed-glob", dir.resolve("glob/app.log*").toString())), Map.of());

        sleep(10_000);
        kafka.stop();
        int firstGenerationDeletedWhileDown = live.generation() - 1;
        sleep(20_000);
        agent.kill();
        sleep(20_000);
        kafka.startProcess();
        agent.startProcess();
        agent.awaitRunning("killed", 1, Duration.ofSeconds(60));
        sleep(2_000);
        int lastGenerationDeletedWhileDown = live.generation() - 2;
        sleep(8_000);
        live.stop();

        List<JsonNode> records = awaitQuiet("killed-glob");
        Map<Long, String> ids = new HashMap<>();
        for (JsonNode record : records) {
            long seq = sequence(record);
            String id = record.at("/event/id").asText();
            String before = ids.putIfAbsent(seq, id);
            assertTrue(before == null || before.equals(id), "line " + seq + " arrived with two ids: " + before
                    + " and " + id + " (it would be indexed twice)");
        }
        for (long seq = 0; seq < live.written(); seq++) {
            int generation = live.generationOf(seq);
            boolean deletedWhileDown = generation >= firstGenerationDeletedWhileDown
                    && generation <= lastGenerationDeletedWhileDown;
            if (!deletedWhileDown) {
                assertTrue(ids.containsKey(seq), "line " + seq + " of generation " + generation + " is missing");
            }
        }
    }

    private RotatingLog log(Path dir, String name) throws IOException {
        RotatingLog log = new RotatingLog(Files.createDirectories(dir), name, LINES_PER_SECOND, ROTATE_EVERY);
        logs.add(log);
        log.start();
        return log;
    }

    /**
     * The shipped agent: worker properties, connector config, the policy's entries in etcd, the registry on (the
     * worker's id is the policy's name).
     */
    private static ConnectWorker startAgent(String policy, Path dir, String entries, Map<String, String> extra) {
        etcd.put("/logcollect/policies/" + policy + "/entries", entries);
        Map<String, String> config = ShippedConfigs.agent(policy, dir);
        config.put("tasks.max", "1");
        config.put("status.interval.ms", "2000");
        config.put("status.topic", policy + "-status");
        config.putAll(extra);
        return ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka, etcd.endpoint()),
                        "agent-standalone.properties")
                .property("config.providers.etcd.param.registry.worker.id", "outage-it-" + policy)
                .connector(policy, config).start();
    }

    /** The worker's registry entry (DESIGN.md section 9), as it is after its next renewal. */
    private static JsonNode registration(String policy) throws IOException {
        sleep(6_000);
        String value = etcd.get("/logcollect/agents/outage-it-" + policy);
        assertTrue(value != null, "the worker of " + policy + " is not registered");
        return HttpJson.MAPPER.readTree(value);
    }

    private static JsonNode task(JsonNode registration, String connector) {
        for (JsonNode task : registration.path("tasks")) {
            if (task.path("connector").asText().equals(connector) && task.path("task").asInt() == 0) {
                return task;
            }
        }
        throw new AssertionError("no task 0 of " + connector + " in " + registration);
    }

    private static String entries(String... entries) {
        return "[" + String.join(",", entries) + "]";
    }

    private static String entry(String id, String topic, String glob) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + glob + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\"}";
    }

    /** Every line written arrives exactly once, and the lines of one file (one generation) in their order. */
    private void assertEveryLineOnceInOrder(RotatingLog log, String topic) {
        List<JsonNode> records = awaitQuiet(topic);
        Map<Long, Integer> seen = sequences(records);
        List<Long> missing = new ArrayList<>();
        for (long seq = 0; seq < log.written(); seq++) {
            Integer count = seen.get(seq);
            if (count == null) {
                missing.add(seq);
            } else {
                assertEquals(1, count, topic + ": line " + seq + " arrived " + count + " times");
            }
        }
        assertTrue(missing.isEmpty(), topic + ": " + missing.size() + " of " + log.written() + " lines missing,"
                + " first " + missing.subList(0, Math.min(5, missing.size())));
        assertEquals(log.written(), records.size(), topic + ": records beyond the lines written");
        Map<Integer, Long> lastByGeneration = new HashMap<>();
        for (JsonNode record : records) {
            long seq = sequence(record);
            Long before = lastByGeneration.put(log.generationOf(seq), seq);
            assertTrue(before == null || before < seq, topic + ": line " + seq + " came after line " + before
                    + " of the same file");
        }
    }

    /** Reads the topic until no record came for 10 s. */
    private static List<JsonNode> awaitQuiet(String topic) {
        long[] last = {0, System.nanoTime()};
        return TailTopics.read(kafka, topic, Duration.ofMinutes(5), values -> {
            if (values.size() != last[0]) {
                last[0] = values.size();
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > Duration.ofSeconds(10).toNanos();
        });
    }

    private static Map<Long, Integer> sequences(List<JsonNode> records) {
        Map<Long, Integer> seen = new TreeMap<>();
        records.forEach(record -> seen.merge(sequence(record), 1, Integer::sum));
        return seen;
    }

    private static long sequence(JsonNode record) {
        return RotatingLog.sequence(record.path("message").asText());
    }

    /** The newest status record of the policy's task, once one came after the lines stopped. */
    private static JsonNode lastStatus(String policy) {
        sleep(5_000);
        List<JsonNode> statuses = TailTopics.read(kafka, policy + "-status", Duration.ofSeconds(10),
                values -> false);
        assertTrue(!statuses.isEmpty(), "no status record");
        return statuses.get(statuses.size() - 1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
