package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.FaultyFileSystem;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's hardening (issue 14) in a real standalone worker loading the packaged plugin, against a real
 * broker: what once lost lines silently, stopped a task or walked too far. "The agent stopped" is the connector
 * stopped through the REST API (its tasks stop and commit their offsets) and resumed.
 */
class AgentHardeningIT {

    private static KafkaBroker kafka;
    private static ConnectWorker agent;
    private static FaultyFileSystem faulty;
    private static Path logs;
    private static Path policies;

    @BeforeAll
    static void startAgent() {
        kafka = TestServices.kafka();
        logs = Workspace.newDirectory("hardening-logs");
        policies = Workspace.newDirectory("hardening-policies");
        faulty = FaultyFileSystem.start();
        agent = ConnectWorker.standalone(kafka)
                .property("config.providers", "file")
                .property("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
                .start();
    }

    @AfterAll
    static void stopAgent() {
        agent.stop();
        faulty.close();
    }

    private static Map<String, String> connector(String entries, String... extra) {
        String[] all = new String[extra.length + 2];
        all[0] = "status.topic";
        all[1] = "it-hardening-status";
        System.arraycopy(extra, 0, all, 2, extra.length);
        return TailTopics.connector(entries, logs + "," + faulty.mountPoint(), "hardening", all);
    }

    private static String entry(String id, String topic, String glob, String extra) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + glob + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\"" + extra + "}";
    }

    private static Path dir(String name) throws IOException {
        return Files.createDirectories(logs.resolve(name));
    }

    private static void writeLines(Path file, String prefix, int from, int to) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = from; i < to; i++) {
                out.write(prefix + i + "\n");
            }
        }
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    /** Stops the connector's tasks (they commit their offsets) and waits until they are gone. */
    private static void stopConnector(String name) {
        agent.rest().put("/connectors/" + name + "/stop", null).expectOk();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = agent.status(name);
            if (status != null && status.at("/connector/state").asText().equals("STOPPED")
                    && status.path("tasks").isEmpty()) {
                return;
            }
            ServiceProcess.sleep(200);
        }
        throw new AssertionError("connector " + name + " did not stop: " + agent.status(name));
    }

    private static void resumeConnector(String name, int tasks) {
        agent.rest().put("/connectors/" + name + "/resume", null).expectOk();
        agent.awaitRunning(name, tasks, Duration.ofSeconds(60));
    }

    /** The connector's stored offsets, as {@code partition JSON -> offset JSON}. */
    private static Map<String, JsonNode> offsets(String name) {
        Map<String, JsonNode> offsets = new LinkedHashMap<>();
        for (JsonNode offset : agent.rest().get("/connectors/" + name + "/offsets").expectOk().path("offsets")) {
            offsets.put(offset.path("partition").toString(), offset.path("offset"));
        }
        return offsets;
    }

    private static void awaitOffsets(String name, java.util.function.Predicate<Map<String, JsonNode>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, JsonNode> offsets = Map.of();
        while (System.nanoTime() < deadline) {
            offsets = offsets(name);
            if (done.test(offsets)) {
                return;
            }
            ServiceProcess.sleep(300);
        }
        throw new AssertionError("offsets of " + name + " never got there: " + offsets);
    }

    private static String logOfAgent() {
        try {
            return Files.readString(agent.process().logFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitInAgentLog(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (logOfAgent().contains(text)) {
                return;
            }
            ServiceProcess.sleep(200);
        }
        throw new AssertionError("the agent never logged: " + text);
    }

    @Test
    void startAtEndHoldsAcrossARotationWhileTheAgentIsStopped() throws IOException {
        Path dir = dir("startat");
        Path live = dir.resolve("app.log");
        writeLines(live, "old ", 0, 100);
        String name = "startat";
        agent.putConnector(name, connector("[{\"id\":\"live\",\"paths\":[\"" + live + "\"],\"topic\":\"it-startat\","
                + "\"start_at\":\"end\"}]"));
        agent.awaitRunning(name, 1, Duration.ofSeconds(60));
        awaitOffsets(name, offsets -> offsets.containsKey("{\"entry\":\"live\"}"));
        stopConnector(name);
        Files.move(live, dir.resolve("app.log.1"));
        writeLines(live, "new ", 0, 1000);
        resumeConnector(name, 1);
        TailTopics.assertLines(expected("new ", 0, 1000),
                TailTopics.messages(TailTopics.readExactly(kafka, "it-startat", 1000, Duration.ofMinutes(1))));
        agent.deleteConnector(name);
    }

    @Test
    void aFileRecreatedWithTheSameHeaderWhileStoppedIsReadWholeWithNewIds() throws IOException {
        Path dir = dir("recreated");
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "id,name\n");
        writeLines(csv, "first ", 0, 50);
        long firstInode = ((Number) Files.getAttribute(csv, "unix:ino")).longValue();
        String name = "recreated";
        agent.putConnector(name, connector("[" + entry("csv", "it-recreated", dir + "/*.csv", "") + "]"));
        List<JsonNode> before = TailTopics.readExactly(kafka, "it-recreated", 51, Duration.ofMinutes(1));
        stopConnector(name);
        Files.delete(csv);
        Files.writeString(csv, "id,name\n");
        writeLines(csv, "second ", 0, 200);
        long secondInode = ((Number) Files.getAttribute(csv, "unix:ino")).longValue();
        resumeConnector(name, 1);
        List<JsonNode> all = TailTopics.readExactly(kafka, "it-recreated", 51 + 201, Duration.ofMinutes(1));
        List<String> after = TailTopics.messages(all.subList(51, all.size()));
        List<String> expectedAfter = new ArrayList<>(List.of("id,name"));
        expectedAfter.addAll(expected("second ", 0, 200));
        TailTopics.assertLines(expectedAfter, after);
        Set<String> firstIds = new HashSet<>();
        before.forEach(v -> firstIds.add(v.at("/event/id").asText()));
        assertTrue(all.subList(51, all.size()).stream().noneMatch(v -> firstIds.contains(v.at("/event/id").asText())),
                "a line of the new file reused an id of the old one (inodes " + firstInode + ", " + secondInode + ")");
        agent.deleteConnector(name);
    }

    @Test
    void copytruncateRightAfterAStackTraceKeepsTheTrace() throws IOException {
        Path dir = dir("trace");
        Path log = dir.resolve("app.log");
        Files.writeString(log, "INFO start\nERROR boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\n");
        String name = "trace";
        agent.putConnector(name, connector("[" + entry("trace", "it-trace", log.toString(),
                ",\"multiline\":{\"pattern\":\"^\\\\t\",\"match\":\"after\",\"timeout_ms\":600000}") + "]"));
        TailTopics.readExactly(kafka, "it-trace", 1, Duration.ofMinutes(1));
        ServiceProcess.sleep(1000);
        Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(log, "INFO after\n", StandardOpenOption.APPEND);
        List<String> messages = TailTopics.messages(TailTopics.readExactly(kafka, "it-trace", 2, Duration.ofMinutes(1)));
        assertEquals(List.of("INFO start", "ERROR boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)"), messages);
        agent.deleteConnector(name);
    }

    @Test
    void anUnreadableFileIsRetriedWhileTheOthersGoOn() throws IOException {
        Path backing = faulty.backing();
        for (String file : List.of("good.log", "eio.log", "stale.log")) {
            writeLines(backing.resolve(file), file + " ", 0, 100);
        }
        String name = "faulty";
        agent.putConnector(name, connector("[" + entry("faulty", "it-faulty", faulty.mountPoint() + "/*.log", "") + "]"));
        TailTopics.readExactly(kafka, "it-faulty", 300, Duration.ofMinutes(1));
        faulty.failReads("eio.log", "EIO");
        faulty.failReads("stale.log", "ESTALE");
        for (String file : List.of("good.log", "eio.log", "stale.log")) {
            writeLines(backing.resolve(file), file + " ", 100, 200);
        }
        List<JsonNode> during = TailTopics.readExactly(kafka, "it-faulty", 400, Duration.ofMinutes(1));
        TailTopics.assertLines(expected("good.log ", 100, 200), TailTopics.messagesByPath(during.subList(300, 400))
                .get(faulty.mountPoint().resolve("good.log").toString()));
        awaitInAgentLog(faulty.mountPoint().resolve("eio.log") + " cannot be read: Input/output error");
        awaitInAgentLog(faulty.mountPoint().resolve("stale.log") + " cannot be read: Stale file handle");
        assertEquals("RUNNING", agent.status(name).at("/tasks/0/state").asText());
        faulty.healReads("eio.log");
        faulty.healReads("stale.log");
        List<JsonNode> all = TailTopics.readExactly(kafka, "it-faulty", 600, Duration.ofMinutes(2));
        Map<String, List<String>> byPath = TailTopics.messagesByPath(all);
        for (String file : List.of("good.log", "eio.log", "stale.log")) {
            TailTopics.assertLines(expected(file + " ", 0, 200), byPath.get(faulty.mountPoint().resolve(file).toString()));
        }
        agent.deleteConnector(name);
    }

    @Test
    void doubleStarsAnywhereAndNoWalkThroughALinkToTheRoot() throws IOException {
        Path dir = dir("stars");
        for (String path : List.of("a/b/c.log", "a/x/b/c.log", "a/b/y/c.log", "a/x/b/y/c.log", "a/c.log", "a/x/c.log")) {
            Files.createDirectories(dir.resolve(path).getParent());
            Files.writeString(dir.resolve(path), path + "\n");
        }
        Files.createSymbolicLink(dir.resolve("a/root"), Path.of("/"));
        String name = "stars";
        agent.putConnector(name, connector("[" + entry("stars", "it-stars", dir + "/a/**/b/**/c.log", "") + "]"));
        List<String> messages = TailTopics.messages(TailTopics.readExactly(kafka, "it-stars", 4, Duration.ofMinutes(1)));
        assertEquals(Set.of("a/b/c.log", "a/x/b/c.log", "a/b/y/c.log", "a/x/b/y/c.log"), new HashSet<>(messages));
        awaitInAgentLog(dir.resolve("a/root") + " is a symbolic link to a directory outside the allowed paths");
        agent.deleteConnector(name);
    }

    @Test
    void aFileSwappedForALinkToASecretIsNeverRead(@org.junit.jupiter.api.io.TempDir Path outside) throws IOException {
        Path secret = Files.writeString(outside.resolve("shadow"), "root:SECRET-HASH:19000::::::\n");
        Path dir = dir("swap");
        Path log = dir.resolve("app.log");
        writeLines(log, "before ", 0, 10);
        String name = "swap";
        agent.putConnector(name, connector("[" + entry("swap", "it-swap", dir + "/*.log", "") + "]",
                "close.inactive.ms", "500"));
        TailTopics.readExactly(kafka, "it-swap", 10, Duration.ofMinutes(1));
        Files.delete(log);
        Files.createSymbolicLink(log, secret);
        writeLines(dir.resolve("other.log"), "after ", 0, 10);
        List<JsonNode> values = TailTopics.readExactly(kafka, "it-swap", 20, Duration.ofMinutes(1));
        assertTrue(values.stream().noneMatch(v -> v.path("message").asText().contains("SECRET")), values.toString());
        awaitInAgentLog(log + " resolves outside the allowed paths");
        agent.deleteConnector(name);
    }

    @Test
    void filesRenamedAwayWithinAFractionOfAScanIntervalAreAllRead() throws IOException {
        Path dir = dir("fast");
        Path live = dir.resolve("live.log");
        String name = "fast";
        agent.putConnector(name, connector("[" + entry("fast", "it-fast", live.toString(), "") + "]",
                "scan.interval.ms", "10000"));
        agent.awaitRunning(name, 1, Duration.ofSeconds(60));
        ServiceProcess.sleep(1000);
        int generations = 20;
        for (int g = 0; g < generations; g++) {
            writeLines(live, "g" + g + " ", 0, 50);
            ServiceProcess.sleep(100);
            Files.move(live, dir.resolve("live.log." + g));
        }
        Map<String, List<String>> byPath = TailTopics.messagesByPath(
                TailTopics.readExactly(kafka, "it-fast", generations * 50, Duration.ofMinutes(1)));
        List<String> all = new ArrayList<>();
        byPath.values().forEach(all::addAll);
        List<String> expectedAll = new ArrayList<>();
        IntStream.range(0, generations).forEach(g -> expectedAll.addAll(expected("g" + g + " ", 0, 50)));
        TailTopics.assertLines(expectedAll.stream().sorted().toList(), all.stream().sorted().toList());
        agent.deleteConnector(name);
    }

    @Test
    void theTimeOfALineBecomesItsTimestamp() throws IOException {
        Path dir = dir("time");
        Path log = dir.resolve("app.log");
        Files.writeString(log, "2026-01-02 03:04:05.678 INFO backfilled\nno time here\n");
        String name = "time";
        agent.putConnector(name, connector("[" + entry("time", "it-time", log.toString(),
                ",\"timestamp\":{\"format\":\"yyyy-MM-dd HH:mm:ss.SSS\",\"zone\":\"+02:00\"}") + "]"));
        List<ConsumerRecord<String, String>> records = kafka.consume("it-time", 2, Duration.ofMinutes(1));
        JsonNode first = TailTopics.json(records.get(0));
        assertEquals("2026-01-02T01:04:05.678Z", first.path("@timestamp").asText());
        assertEquals(Instant.parse("2026-01-02T01:04:05.678Z").toEpochMilli(), records.get(0).timestamp());
        assertTrue(first.at("/event/created").asText().startsWith(String.valueOf(java.time.Year.now().getValue())));
        assertFalse(first.path("log").has("flags"));
        JsonNode second = TailTopics.json(records.get(1));
        assertEquals("[\"timestamp_unparsed\"]", second.at("/log/flags").toString());
        agent.deleteConnector(name);
    }

    @Test
    void eachTaskRunsExactlyTheEntriesItWasAssignedWhateverThePolicySaysNow() throws IOException {
        Path dir = dir("assign");
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        writeLines(a, "a ", 0, 10);
        writeLines(b, "b ", 0, 10);
        Path policy = policies.resolve("assign.properties");
        String entryA = entry("entry-a", "it-assign", a.toString(), "");
        String entryB = entry("entry-b", "it-assign", b.toString(), "");
        Files.writeString(policy, "entries=[" + entryA + "," + entryB + "]\n");
        String name = "assign";
        agent.putConnector(name, connector("${file:" + policy + ":entries}", "tasks.max", "2"));
        agent.awaitRunning(name, 2, Duration.ofSeconds(60));
        TailTopics.readExactly(kafka, "it-assign", 20, Duration.ofMinutes(1));
        Files.writeString(policy, "entries=[" + entryB + "," + entryA + "]\n");
        agent.rest().post("/connectors/" + name + "/tasks/0/restart", null).expectOk();
        agent.awaitRunning(name, 2, Duration.ofSeconds(60));
        ServiceProcess.sleep(2000);
        writeLines(a, "a ", 10, 20);
        writeLines(b, "b ", 10, 20);
        Map<String, List<String>> byPath = TailTopics.messagesByPath(
                TailTopics.readExactly(kafka, "it-assign", 40, Duration.ofMinutes(1)));
        TailTopics.assertLines(expected("a ", 0, 20), byPath.get(a.toString()));
        TailTopics.assertLines(expected("b ", 0, 20), byPath.get(b.toString()));
        agent.deleteConnector(name);
    }

    @Test
    void thePositionOfAFileGoneForTheRetentionIsDeleted() throws IOException {
        Path dir = dir("retention");
        Path log = dir.resolve("gone.log");
        writeLines(log, "gone ", 0, 5);
        String name = "retention";
        agent.putConnector(name, connector("[" + entry("retention", "it-retention", dir + "/*.log", "") + "]",
                "close.inactive.ms", "500", "clean.removed.ms", "2000"));
        TailTopics.readExactly(kafka, "it-retention", 5, Duration.ofMinutes(1));
        awaitOffsets(name, offsets -> offsets.keySet().stream().anyMatch(p -> p.contains("\"file\"")));
        Files.delete(log);
        awaitOffsets(name, offsets -> offsets.keySet().stream().noneMatch(p -> p.contains("\"file\"")));
        List<ConsumerRecord<String, String>> status = kafka.consume("it-hardening-status", Duration.ofSeconds(30),
                records -> records.stream().anyMatch(r -> r.value().contains("\"position-deleted\"")
                        && r.value().contains("\"retention\"")));
        assertTrue(status.stream().anyMatch(r -> r.value().contains("\"position-deleted\"")), status.toString());
        agent.deleteConnector(name);
    }
}
