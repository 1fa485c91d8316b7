package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 of the agent in the middle of a stream, then a restart from its offsets file. */
class AgentCrashIT {

    @Test
    void killMinus9MidStreamLosesNothingAndResentLinesKeepTheirEventIds() throws Exception {
        KafkaBroker kafka = TestServices.kafka();
        Path logs = Workspace.newDirectory("crash-logs");
        int files = 3;
        int perFile = 200_000;
        for (int f = 0; f < files; f++) {
            try (BufferedWriter out = Files.newBufferedWriter(logs.resolve("app" + f + ".log"))) {
                for (int i = 0; i < perFile; i++) {
                    out.write("app" + f + " line " + i + "\n");
                }
            }
        }
        String entries = "[{\"id\":\"crash\",\"paths\":[\"" + logs + "/*.log\"],\"topic\":\"it-crash\","
                + "\"start_at\":\"beginning\"}]";
        ConnectWorker agent = ConnectWorker.standalone(kafka)
                .connector("crash", Map.of(
                        "connector.class", "io.logcollect.tail.FileTailSourceConnector",
                        "tasks.max", "1",
                        "collect.entries", entries,
                        "allowed.paths", logs.toString(),
                        "host.name", "crash-host",
                        "batch.max.records", "2000"))
                .start();
        int total = files * perFile;
        List<JsonNode> beforeKill = TailTopics.read(kafka, "it-crash", Duration.ofMinutes(2), v -> v.size() >= total / 4);
        assertTrue(beforeKill.size() < total, "everything arrived before the kill; the test proves nothing");
        agent.kill();
        agent.startProcess();
        agent.awaitRunning("crash", 1, Duration.ofSeconds(60));

        List<JsonNode> values = TailTopics.read(kafka, "it-crash", Duration.ofMinutes(3),
                v -> v.stream().map(x -> x.path("message").asText()).distinct().count() >= total);
        Set<String> expected = IntStream.range(0, files).boxed()
                .flatMap(f -> IntStream.range(0, perFile).mapToObj(i -> "app" + f + " line " + i))
                .collect(Collectors.toSet());
        Map<String, String> idByMessage = new HashMap<>();
        int resent = 0;
        for (JsonNode value : values) {
            String message = value.path("message").asText();
            String id = value.at("/event/id").asText();
            String first = idByMessage.putIfAbsent(message, id);
            if (first != null) {
                resent++;
                assertEquals(first, id, "a re-sent copy of '" + message + "' has another event.id");
            }
        }
        assertEquals(expected, idByMessage.keySet());
        assertEquals(total, idByMessage.values().stream().distinct().count());
        System.out.printf("kill -9 after %d records: %d records in the topic, %d re-sent with their first id%n",
                beforeKill.size(), values.size(), resent);
        agent.stop();
    }
}
