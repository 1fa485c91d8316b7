package io.logcollect.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline with real everything: files, an agent (standalone worker, tail connector, entries from
 * etcd through the provider), Kafka, the central worker with the sink, OpenSearch.
 */
class EndToEndIT {

    private static KafkaBroker kafka;
    private static EtcdServer etcd;
    private static SearchNode search;
    private static ConnectWorker central;

    @BeforeAll
    static void startCentral() {
        kafka = TestServices.kafka();
        etcd = TestServices.etcd();
        search = TestServices.opensearch();
        central = ConnectWorker.distributed(kafka).start();
    }

    @AfterAll
    static void stopCentral() {
        central.stop();
    }

    private static ConnectWorker agent(String policy, Path logs) {
        ConnectWorker.Builder builder = ConnectWorker.agent(kafka, etcd.endpoint());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "1");
        config.put("collect.policy", policy);
        config.put("collect.entries", "${etcd:/logcollect/policies/" + policy + ":entries}");
        config.put("allowed.paths", logs.toString());
        config.put("host.name", "e2e-host");
        config.put("scan.interval.ms", "250");
        config.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        return builder.connector("agent-" + policy, config).start();
    }

    private static void sink(String name, String topics) {
        central.putConnector(name, Map.of(
                "connector.class", "io.logcollect.es.ElasticsearchSinkConnector",
                "tasks.max", "1",
                "topics", topics,
                "connection.url", search.url(),
                "linger.ms", "100"));
        central.awaitRunning(name, 1, Duration.ofMinutes(1));
    }

    private static String entry(String id, Path file, String topic, String extra) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + file + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\",\"fields\":{\"app\":\"e2e\"}" + extra + "}";
    }

    private static void write(Path file, String prefix, int from, int to) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = from; i < to; i++) {
                out.write(prefix + i + "\n");
            }
        }
    }

    /** Waits until the count reaches {@code expected}, then a few seconds more, and returns the final count. */
    private static long settledCount(String index, long expected, Duration timeout) {
        LongSupplier count = () -> search.count(index);
        long deadline = System.nanoTime() + timeout.toNanos();
        long now = count.getAsLong();
        while (now < expected && System.nanoTime() < deadline) {
            sleep(500);
            now = count.getAsLong();
        }
        sleep(3000);
        return count.getAsLong();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void linesWrittenToFilesAreSearchableExactlyOnceWithTheirEcsFields() throws IOException {
        Path logs = Workspace.newDirectory("e2e-basic");
        Path app = logs.resolve("app.log");
        write(app, "plain line ", 0, 2000);
        Files.writeString(app, "2026-11-24 10:00:00 ERROR failed\n\tat a.B.c(B.java:1)\nCaused by: x.Y\n\tat d.E.f(E.java:2)\n",
                StandardOpenOption.APPEND);
        etcd.put("/logcollect/policies/basic/entries", "[" + entry("app", app, "e2e_basic",
                ",\"multiline\":{\"pattern\":\"^[ \\\\t]|^Caused by:\",\"match\":\"after\",\"timeout_ms\":500}") + "]");
        sink("sink-basic", "e2e_basic");
        ConnectWorker agent = agent("basic", logs);
        assertEquals(2001, settledCount("e2e_basic-*", 2001, Duration.ofMinutes(2)));

        JsonNode hit = search.search("e2e_basic-*", Map.of("query", Map.of("match_phrase",
                Map.of("message", "plain line 1234")))).at("/hits/hits/0");
        JsonNode doc = hit.path("_source");
        assertEquals("plain line 1234", doc.path("message").asText());
        assertEquals("e2e-host", doc.at("/host/name").asText());
        assertEquals(app.toString(), doc.at("/log/file/path").asText());
        assertEquals(Files.getAttribute(app, "unix:ino").toString(), doc.at("/log/file/inode").asText());
        assertEquals(Files.getAttribute(app, "unix:dev").toString(), doc.at("/log/file/device_id").asText());
        // the identity is a keyword: one file's lines are found by it, whatever its path became
        assertEquals(2001, search.search("e2e_basic-*", Map.of("size", 0, "track_total_hits", true, "query",
                Map.of("term", Map.of("log.file.fingerprint", doc.at("/log/file/fingerprint").asText()))))
                .at("/hits/total/value").asLong());
        assertEquals(Map.of("app", "e2e", "policy", "basic", "entry", "app"),
                io.logcollect.testkit.HttpJson.MAPPER.convertValue(doc.path("labels"), Map.class));
        assertEquals(hit.path("_id").asText(), doc.at("/event/id").asText());
        assertTrue(doc.path("@timestamp").asText().endsWith("Z"));

        JsonNode trace = search.search("e2e_basic-*", Map.of("query", Map.of("match_phrase",
                Map.of("message", "ERROR failed")))).at("/hits/hits/0/_source");
        assertEquals("2026-11-24 10:00:00 ERROR failed\n\tat a.B.c(B.java:1)\nCaused by: x.Y\n\tat d.E.f(E.java:2)",
                trace.path("message").asText());
        assertEquals("[\"multiline\"]", trace.at("/log/flags").toString());
        agent.stop();
        central.deleteConnector("sink-basic");
    }

    @Test
    void aPolicyChangeInEtcdAddsAFileToCollectionWithinSeconds() throws IOException {
        Path logs = Workspace.newDirectory("e2e-policy");
        Path first = logs.resolve("first.log");
        Path second = logs.resolve("second.log");
        write(first, "first ", 0, 10);
        write(second, "second ", 0, 10);
        etcd.put("/logcollect/policies/change/entries", "[" + entry("first", first, "e2e_change", "") + "]");
        sink("sink-change", "e2e_change");
        ConnectWorker agent = agent("change", logs);
        assertEquals(10, settledCount("e2e_change-*", 10, Duration.ofMinutes(1)));

        long changedAt = System.nanoTime();
        etcd.put("/logcollect/policies/change/entries", "[" + entry("first", first, "e2e_change", "") + ","
                + entry("second", second, "e2e_change", "") + "]");
        long deadline = changedAt + Duration.ofSeconds(30).toNanos();
        while (search.count("e2e_change-*") < 20 && System.nanoTime() < deadline) {
            sleep(100);
        }
        double seconds = (System.nanoTime() - changedAt) / 1e9;
        assertEquals(20, settledCount("e2e_change-*", 20, Duration.ofSeconds(5)));
        System.out.printf("policy change to searchable: %.1f s%n", seconds);
        assertTrue(seconds < 10, "the new entry's lines took " + seconds + " s to become searchable");
        agent.stop();
        central.deleteConnector("sink-change");
    }

    @Test
    void aPolicyThatIsNotJsonKeepsEveryAgentCollectingAndTheFixedValueIsApplied() throws IOException {
        Path logs = Workspace.newDirectory("e2e-broken");
        Path first = logs.resolve("first.log");
        Path second = logs.resolve("second.log");
        write(first, "first ", 0, 10);
        write(second, "second ", 0, 10);
        String key = "/logcollect/policies/broken/entries";
        etcd.put(key, "[" + entry("first", first, "e2e_broken", "") + "]");
        sink("sink-broken", "e2e_broken");
        ConnectWorker agent = agent("broken", logs);
        assertEquals(10, settledCount("e2e_broken-*", 10, Duration.ofMinutes(1)));

        etcd.put(key, "[{broken");
        sleep(3000);
        write(first, "first ", 10, 20);
        assertEquals(20, settledCount("e2e_broken-*", 20, Duration.ofSeconds(30)));
        String log = Files.readString(agent.process().logFile());
        assertTrue(log.contains("etcd key " + key + " at revision") && log.contains("is not a valid collection policy"),
                "the refused value was not reported");
        assertEquals("RUNNING", agent.status("agent-broken").at("/connector/state").asText());
        assertEquals("RUNNING", agent.status("agent-broken").at("/tasks/0/state").asText());

        etcd.put(key, "[" + entry("first", first, "e2e_broken", "") + "," + entry("second", second, "e2e_broken", "")
                + "]");
        assertEquals(30, settledCount("e2e_broken-*", 30, Duration.ofSeconds(30)));
        agent.stop();
        central.deleteConnector("sink-broken");
    }

    @Test
    void theAgentsStatusAndItsHostsMetricsAreSearchableWithTypedFields() throws IOException {
        Path logs = Workspace.newDirectory("e2e-health");
        Path app = logs.resolve("app.log");
        write(app, "health ", 0, 100);
        etcd.put("/logcollect/policies/health/entries", "[" + entry("app", app, "e2e_health", "") + "]");
        sink("sink-health", "e2e_health,e2e-status,e2e-metrics");
        ConnectWorker.Builder builder = ConnectWorker.agent(kafka, etcd.endpoint());
        Map<String, String> tail = new LinkedHashMap<>();
        tail.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        tail.put("collect.policy", "health");
        tail.put("collect.entries", "${etcd:/logcollect/policies/health:entries}");
        tail.put("allowed.paths", logs.toString());
        tail.put("host.name", "e2e-host");
        tail.put("status.topic", "e2e-status");
        tail.put("status.interval.ms", "1000");
        tail.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("connector.class", "io.logcollect.metrics.HostMetricsSourceConnector");
        metrics.put("topic", "e2e-metrics");
        metrics.put("interval.ms", "1000");
        metrics.put("host.name", "e2e-host");
        ConnectWorker agent = builder.connector("agent-health", tail).connector("metrics-health", metrics).start();
        assertEquals(100, settledCount("e2e_health-*", 100, Duration.ofMinutes(1)));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!(search.count("e2e-metrics-*") > 10 && search.count("e2e-status-*") > 2)) {
            assertTrue(System.nanoTime() < deadline, "no metrics or status documents within a minute");
            sleep(500);
        }
        JsonNode cpu = search.search("e2e-metrics-*", Map.of("size", 1, "query",
                Map.of("term", Map.of("metricset.name", "cpu")))).at("/hits/hits/0/_source");
        double busy = cpu.at("/system/cpu/total/norm/pct").asDouble(-1);
        assertTrue(busy >= 0 && busy <= 1, cpu.toString());
        JsonNode status = search.search("e2e-status-*", Map.of("size", 1, "query",
                Map.of("term", Map.of("logcollect.status.policy", "health")))).at("/hits/hits/0/_source");
        assertEquals("e2e-host", status.at("/host/name").asText());
        JsonNode system = search.http().get("/e2e-metrics-*/_mapping").expectOk().elements().next()
                .at("/mappings/properties/system/properties");
        assertEquals("float", system.at("/cpu/properties/total/properties/norm/properties/pct/type").asText(),
                system.toString());
        assertEquals("keyword", system.at("/network/properties/name/type").asText(), system.toString());
        assertEquals("keyword", system.at("/filesystem/properties/mount_point/type").asText(), system.toString());
        agent.stop();
        central.deleteConnector("sink-health");
    }

    @Test
    void killMinus9OfTheAgentAndOfTheSinkWorkerLeavesEveryLineExactlyOnceInTheIndex() throws Exception {
        Path logs = Workspace.newDirectory("e2e-crash");
        Path busy = logs.resolve("busy.log");
        write(busy, "busy line ", 0, 2000);
        etcd.put("/logcollect/policies/crash/entries", "[" + entry("busy", logs.resolve("busy.log"), "e2e_crash", "") + "]");
        // as the shipped central-distributed.properties: the killed task's consumer leaves its group after 10 s
        ConnectWorker sinkWorker = ConnectWorker.distributed(kafka).property("consumer.session.timeout.ms", "10000")
                .start();
        sinkWorker.putConnector("sink-crash", Map.of(
                "connector.class", "io.logcollect.es.ElasticsearchSinkConnector",
                "tasks.max", "1",
                "topics", "e2e_crash",
                "connection.url", search.url()));
        ConnectWorker agent = agent("crash", logs);
        // The log grows at 5,000 lines/s until both workers were killed and started again, so each kill hits a
        // running stream: the agent's while it reads the growing file, the sink's while it indexes.
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger(2000);
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (writing.get()) {
                    write(busy, "busy line ", written.get(), written.get() + 500);
                    written.addAndGet(500);
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                writeFailure.set(e);
            }
        });
        writer.start();
        while (kafka.recordCount("e2e_crash") < 25_000) {
            sleep(100);
        }
        agent.kill();
        agent.startProcess();
        long writtenAtAgentRestart = written.get();
        while (search.count("e2e_crash-*") < writtenAtAgentRestart / 2) {
            sleep(100);
        }
        long indexedAtKill = search.count("e2e_crash-*");
        sinkWorker.kill();
        sinkWorker.startProcess();
        sleep(2000);
        System.out.printf("kill test: agent killed at 25,000 records in Kafka, sink worker at %,d documents indexed;"
                + " %,d lines written when the sink worker was back%n", indexedAtKill, written.get());
        writing.set(false);
        writer.join();
        assertNull(writeFailure.get(), "the writer failed");
        int lines = written.get();
        assertTrue(lines > 50_000, "the writer stopped early: " + lines + " lines");
        assertEquals(lines, settledCount("e2e_crash-*", lines, Duration.ofMinutes(4)));
        agent.stop();
        sinkWorker.deleteConnector("sink-crash");
        sinkWorker.stop();
    }
}
