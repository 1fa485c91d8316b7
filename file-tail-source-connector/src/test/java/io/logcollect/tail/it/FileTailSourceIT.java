package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tail connector in a real standalone worker (the agent) that loads the packaged plugin, writing to a
 * real broker; every test reads its topic back.
 */
class FileTailSourceIT {

    private static KafkaBroker kafka;
    private static ConnectWorker agent;
    private static Path logs;

    @BeforeAll
    static void startAgent() {
        kafka = TestServices.kafka();
        logs = Workspace.newDirectory("logs");
        agent = ConnectWorker.standalone(kafka)
                .property("config.providers", "file")
                .property("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
                .start();
    }

    @AfterAll
    static void stopAgent() {
        agent.stop();
    }

    private static Map<String, String> connector(String topicEntries, String... extra) {
        String[] all = new String[extra.length + 2];
        all[0] = "tasks.max";
        all[1] = "2";
        System.arraycopy(extra, 0, all, 2, extra.length);
        return TailTopics.connector(topicEntries, logs.toString(), "it", all);
    }

    private static String entry(String id, String topic, String glob, String extra) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + glob + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\",\"fields\":{\"app\":\"" + id + "\"}" + extra + "}";
    }

    private static Path dir(String name) throws IOException {
        return Files.createDirectories(logs.resolve(name));
    }

    private static void writeLines(Path file, String prefix, int from, int to) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = from; i < to; i++) {
                out.write(prefix);
                out.write(Integer.toString(i));
                out.write('\n');
            }
        }
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void aMillionLinesAcrossFilesArriveExactlyOnceInPerFileOrderWithEcsFields() throws Exception {
        Path dir = dir("million");
        int files = 4;
        int perFile = 250_000;
        for (int f = 0; f < files; f++) {
            writeLines(dir.resolve("f" + f + ".log"), "file" + f + " line ", 0, perFile);
        }
        agent.putConnector("million", connector("[" + entry("million", "it-million", dir + "/*.log", "") + "]"));
        List<JsonNode> values = TailTopics.readExactly(kafka, "it-million", files * perFile, Duration.ofMinutes(4));
        assertEquals(files * perFile, values.size());
        Map<String, List<String>> byPath = TailTopics.messagesByPath(values);
        assertEquals(files, byPath.size());
        for (int f = 0; f < files; f++) {
            TailTopics.assertLines(expected("file" + f + " line ", 0, perFile),
                    byPath.get(dir.resolve("f" + f + ".log").toString()));
        }
        JsonNode first = values.stream().filter(v -> v.path("message").asText().equals("file0 line 1")).findFirst()
                .orElseThrow();
        assertEquals("it-host", first.at("/host/name").asText());
        assertEquals(dir.resolve("f0.log").toString(), first.at("/log/file/path").asText());
        // the file's identity as ECS names it, and the hash of its first line the agent knows it by
        Path f0 = dir.resolve("f0.log");
        assertEquals(Files.getAttribute(f0, "unix:ino").toString(), first.at("/log/file/inode").asText());
        assertEquals(Files.getAttribute(f0, "unix:dev").toString(), first.at("/log/file/device_id").asText());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("file0 line 0\n".getBytes(StandardCharsets.UTF_8)), 0, 16), first.at("/log/file/fingerprint").asText());
        assertEquals(files, values.stream().map(v -> v.at("/log/file/fingerprint").asText()).distinct().count());
        assertEquals("file0 line 0\n".length(), first.at("/log/offset").asLong());
        assertEquals(Map.of("app", "million", "policy", "it", "entry", "million"),
                HttpJson.MAPPER.convertValue(first.path("labels"), Map.class));
        assertTrue(first.path("@timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                first.path("@timestamp").asText());
        assertEquals(22, first.at("/event/id").asText().length());
        assertFalse(first.path("log").has("flags"));
        assertEquals(files * perFile, values.stream().map(v -> v.at("/event/id").asText()).distinct().count());
        agent.deleteConnector("million");
    }

    @Test
    void renameRotationThreeDeepWhileWritingAtFullSpeedLosesAndDuplicatesNothing() throws Exception {
        Path dir = dir("rotation");
        Path log = dir.resolve("app.log");
        writeLines(log, "line ", 0, 1);
        agent.putConnector("rotation", connector("[" + entry("rotation", "it-rotation", log + "*", "") + "]"));
        agent.awaitRunning("rotation", 1, Duration.ofSeconds(60));
        int perFile = 100_000;
        int total = 4 * perFile;
        int written = 1;
        for (int rotation = 0; rotation < 4; rotation++) {
            writeLines(log, "line ", written, (rotation + 1) * perFile);
            written = (rotation + 1) * perFile;
            if (rotation < 3) {
                for (int k = 2; k >= 1; k--) {
                    Path from = dir.resolve("app.log." + k);
                    if (Files.exists(from)) {
                        Files.move(from, dir.resolve("app.log." + (k + 1)));
                    }
                }
                Files.move(log, dir.resolve("app.log.1"));
            }
        }
        List<JsonNode> values = TailTopics.readExactly(kafka, "it-rotation", total, Duration.ofMinutes(3));
        List<String> messages = TailTopics.messages(values);
        assertEquals(total, messages.size());
        assertEquals(new HashSet<>(expected("line ", 0, total)), new HashSet<>(messages));
        // Lines n of file k were written to one file: k = n / perFile. Within a file, topic order is file order.
        Map<Integer, List<Integer>> byFile = new HashMap<>();
        for (String message : messages) {
            int n = Integer.parseInt(message.substring("line ".length()));
            byFile.computeIfAbsent(n / perFile, k -> new ArrayList<>()).add(n);
        }
        for (Map.Entry<Integer, List<Integer>> file : byFile.entrySet()) {
            int k = file.getKey();
            assertEquals(IntStream.range(k * perFile, (k + 1) * perFile).boxed().toList(), file.getValue(),
                    "lines of file " + k);
        }
        agent.deleteConnector("rotation");
    }

    @Test
    void copytruncateIsDetectedAndLinesWrittenAfterItArrive() throws Exception {
        Path dir = dir("copytruncate");
        Path log = dir.resolve("app.log");
        writeLines(log, "before ", 0, 1000);
        agent.putConnector("copytruncate", connector("[" + entry("copytruncate", "it-copytruncate", log.toString(), "") + "]"));
        assertEquals(expected("before ", 0, 1000),
                TailTopics.messages(TailTopics.readExactly(kafka, "it-copytruncate", 1000, Duration.ofSeconds(60))));
        Files.copy(log, dir.resolve("app.log.1"));
        try (OutputStream truncate = Files.newOutputStream(log, StandardOpenOption.TRUNCATE_EXISTING)) {
            truncate.flush();
        }
        writeLines(log, "after ", 0, 500);
        List<String> all = TailTopics.messages(TailTopics.readExactly(kafka, "it-copytruncate", 1500, Duration.ofSeconds(60)));
        List<String> expected = new ArrayList<>(expected("before ", 0, 1000));
        expected.addAll(expected("after ", 0, 500));
        TailTopics.assertLines(expected, all);
        agent.deleteConnector("copytruncate");
    }

    @Test
    void decodesGbkAndUtf16AndSurvivesInvalidBytes() throws IOException {
        Path dir = dir("encodings");
        Files.write(dir.resolve("gbk.log"), "第一行 GBK\n第二行\n".getBytes(Charset.forName("GBK")));
        Files.write(dir.resolve("utf16.log"), "UTF-16LE 行\nzwei\n".getBytes(StandardCharsets.UTF_16LE));
        Files.write(dir.resolve("broken.log"), new byte[] {'o', 'k', '\n', 'b', (byte) 0xC3, (byte) 0x28, 'd', '\n',
            (byte) 0xFF, (byte) 0xFE, '\n', 'l', 'a', 's', 't', '\n'});
        String entries = "[" + entry("gbk", "it-encodings", dir + "/gbk.log", ",\"encoding\":\"GBK\"") + ","
                + entry("utf16", "it-encodings", dir + "/utf16.log", ",\"encoding\":\"UTF-16LE\"") + ","
                + entry("broken", "it-encodings", dir + "/broken.log", "") + "]";
        agent.putConnector("encodings", connector(entries));
        Map<String, List<String>> byPath = TailTopics.messagesByPath(
                TailTopics.readExactly(kafka, "it-encodings", 8, Duration.ofSeconds(60)));
        assertEquals(List.of("第一行 GBK", "第二行"), byPath.get(dir.resolve("gbk.log").toString()));
        assertEquals(List.of("UTF-16LE 行", "zwei"), byPath.get(dir.resolve("utf16.log").toString()));
        assertEquals(List.of("ok", "b\uFFFD(d", "\uFFFD\uFFFD", "last"), byPath.get(dir.resolve("broken.log").toString()));
        assertEquals("RUNNING", agent.status("encodings").at("/tasks/0/state").asText());
        agent.deleteConnector("encodings");
    }

    @Test
    void aFiftyMegabyteLineIsTruncatedAndFlaggedAndTheNextLineIsIntact() throws IOException {
        Path dir = dir("longline");
        Path log = dir.resolve("huge.log");
        try (BufferedWriter out = Files.newBufferedWriter(log)) {
            out.write("first\n");
            char[] chunk = new char[1024 * 1024];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\nafter the long line\n");
        }
        agent.putConnector("longline", connector("[" + entry("longline", "it-longline", log.toString(),
                ",\"max_line_bytes\":100000") + "]"));
        List<JsonNode> values = TailTopics.readExactly(kafka, "it-longline", 3, Duration.ofSeconds(60));
        assertEquals(3, values.size());
        assertEquals("first", values.get(0).path("message").asText());
        assertEquals("x".repeat(100_000), values.get(1).path("message").asText());
        assertEquals("[\"truncated\"]", values.get(1).at("/log/flags").toString());
        assertEquals(6, values.get(1).at("/log/offset").asLong());
        assertEquals("after the long line", values.get(2).path("message").asText());
        assertEquals(6 + 50L * 1024 * 1024 + 1, values.get(2).at("/log/offset").asLong());
        agent.deleteConnector("longline");
    }

    @Test
    void fourThousandSmallFilesAreCollectedWithinTheOpenFileCap() throws Exception {
        Path dir = dir("many");
        for (int i = 0; i < 4_000; i++) {
            Files.writeString(dir.resolve("small-" + i + ".log"), "small file " + i + "\n");
        }
        agent.putConnector("many", connector("[" + entry("many", "it-many", dir + "/*.log", "") + "]",
                "max.open.files", "100", "tasks.max", "1"));
        int[] maxOpen = {0};
        List<JsonNode> values = TailTopics.read(kafka, "it-many", Duration.ofMinutes(3), v -> {
            maxOpen[0] = Math.max(maxOpen[0], openFilesBelow(dir));
            return v.size() >= 4_000;
        });
        assertEquals(4_000, values.size());
        assertEquals(IntStream.range(0, 4_000).mapToObj(i -> "small file " + i).collect(java.util.stream.Collectors.toSet()),
                new HashSet<>(TailTopics.messages(values)));
        // One handle beyond the cap is open for a moment while a newly found file is fingerprinted.
        assertTrue(maxOpen[0] <= 101, "the worker had " + maxOpen[0] + " files of the glob open");
        assertTrue(maxOpen[0] > 0, "the file descriptor sampling saw no open file at all");
        agent.deleteConnector("many");
    }

    /** How many file descriptors of the agent point to files below {@code dir} (not the directory), from /proc. */
    private static int openFilesBelow(Path dir) {
        Path fds = Path.of("/proc", String.valueOf(agent.process().pid()), "fd");
        int count = 0;
        try (var stream = Files.newDirectoryStream(fds)) {
            for (Path fd : stream) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir) && !target.equals(dir)) {
                        count++;
                    }
                } catch (IOException e) {
                    // the descriptor closed while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count;
    }

    @Test
    void pathsOutsideTheAllowedPathsAreRefusedByNameWhileTheOtherEntriesRun(@org.junit.jupiter.api.io.TempDir Path outside)
            throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.log"), "do not ship me\n");
        Path dir = dir("allowed");
        Files.createSymbolicLink(dir.resolve("link.log"), secret);
        writeLines(dir.resolve("good.log"), "good ", 0, 3);
        String good = entry("good", "it-allowed", dir + "/good.log", "");
        String direct = entry("direct", "it-allowed", secret.toString(), "");
        String dotdot = entry("dotdot", "it-allowed", dir + "/../../" + logs.getParent().relativize(secret.getParent())
                + "/secret.log", "");
        String symlink = entry("symlink", "it-allowed", dir + "/link.log", "");

        HttpJson.Response refused = agent.rest().put("/connectors/allowed/config",
                connector("[" + good + "," + direct + "," + dotdot + "]"));
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.body().contains("entry 'direct'") && refused.body().contains("entry 'dotdot'")
                && refused.body().contains("outside the allowed paths"), refused.body());
        assertFalse(refused.body().contains("entry 'good'"), refused.body());

        // A policy that changes underneath (etcd, or here a file) is not validated by Connect: the connector
        // itself must refuse the bad entries and run the others.
        Path policy = outside.resolve("policy.properties");
        writePolicy(policy, "[" + good + "," + symlink + "]");
        agent.putConnector("allowed", connector("${file:" + policy + ":entries}"));
        assertEquals(expected("good ", 0, 3),
                TailTopics.messages(TailTopics.readExactly(kafka, "it-allowed", 3, Duration.ofSeconds(60))));
        writePolicy(policy, "[" + good + "," + symlink + "," + direct + "," + dotdot + "]");
        agent.rest().post("/connectors/allowed/restart?includeTasks=true&onlyFailed=false", null).expectOk();
        agent.awaitRunning("allowed", 2, Duration.ofSeconds(60));
        writeLines(dir.resolve("good.log"), "good ", 3, 6);
        List<String> messages = TailTopics.messages(TailTopics.readExactly(kafka, "it-allowed", 6, Duration.ofSeconds(60)));
        assertEquals(expected("good ", 0, 6), messages);
        String log = Files.readString(agent.process().logFile());
        assertTrue(log.contains("entry 'direct': path '" + secret + "' is outside the allowed paths"), "no error for 'direct'");
        assertTrue(log.contains("entry 'dotdot': path '"), "no error for 'dotdot'");
        assertTrue(log.contains("Entry 'symlink' of policy 'it': file " + dir.resolve("link.log")
                + " resolves outside the allowed paths"), "no error for 'symlink'");
        agent.deleteConnector("allowed");
    }

    private static void writePolicy(Path file, String entries) throws IOException {
        Properties props = new Properties();
        props.setProperty("entries", entries);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, null);
        }
    }
}
