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
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "2");
        config.put("collect.entries", topicEntries);
        config.put("collect.policy", "it");
        config.put("allowed.paths", logs.toString());
        config.put("host.name", "it-host");
        config.put("scan.interval.ms", "200");
        config.put("poll.interval.ms", "50");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return config;
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
    void aMillionLinesAcrossFilesArriveExactlyOnceInPerFileOrderWithEcsFields() throws IOException {
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
            assertEquals(expected("file" + f + " line ", 0, perFile), byPath.get(dir.resolve("f" + f + ".log").toString()));
        }
        JsonNode first = values.stream().filter(v -> v.path("message").asText().equals("file0 line 1")).findFirst()
                .orElseThrow();
        assertEquals("it-host", first.at("/host/name").asText());
        assertEquals(dir.resolve("f0.log").toString(), first.at("/log/file/path").asText());
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
}
