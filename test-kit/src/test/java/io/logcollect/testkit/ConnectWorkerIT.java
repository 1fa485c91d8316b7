package io.logcollect.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A connector round trip through each kind of worker, with Kafka's own FileStreamSource connector. */
class ConnectWorkerIT {

    @Test
    void distributedWorkerRunsAConnectorAndResumesItAfterKillMinus9() throws IOException {
        ConnectWorker worker = ConnectWorker.distributed(TestServices.kafka()).start();
        Path file = Workspace.newDirectory("input").resolve("lines.txt");
        append(file, 0, 100);
        worker.putConnector("kit-file-source", Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max", "1",
                "file", file.toString(),
                "topic", "kit-connect-distributed"));
        worker.awaitRunning("kit-file-source", 1, Duration.ofSeconds(60));
        List<String> first = values(TestServices.kafka().consume("kit-connect-distributed", 100, Duration.ofSeconds(60)));
        assertEquals(jsonLines(0, 100), first);

        worker.kill();
        append(file, 100, 150);
        worker.startProcess();
        worker.awaitRunning("kit-file-source", 1, Duration.ofSeconds(90));
        List<String> all = values(TestServices.kafka().consume("kit-connect-distributed", Duration.ofSeconds(60),
                records -> new LinkedHashSet<>(values(records)).size() >= 150));
        // FileStreamSource itself may re-send lines whose offsets were not flushed before the kill.
        assertEquals(jsonLines(0, 150), List.copyOf(new LinkedHashSet<>(all)));
        worker.stop();
    }

    @Test
    void standaloneWorkerRunsTheConnectorOfItsCommandLine() throws IOException {
        Path file = Workspace.newDirectory("input").resolve("lines.txt");
        append(file, 0, 50);
        ConnectWorker worker = ConnectWorker.standalone(TestServices.kafka())
                .connector("kit-standalone-source", Map.of(
                        "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                        "tasks.max", "1",
                        "file", file.toString(),
                        "topic", "kit-connect-standalone"))
                .start();
        worker.awaitRunning("kit-standalone-source", 1, Duration.ofSeconds(60));
        assertEquals(jsonLines(0, 50),
                values(TestServices.kafka().consume("kit-connect-standalone", 50, Duration.ofSeconds(60))));
        worker.stop();
    }

    private static void append(Path file, int from, int to) throws IOException {
        Files.writeString(file, IntStream.range(from, to).mapToObj(i -> "line-" + i + "\n").collect(Collectors.joining()),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> jsonLines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "\"line-" + i + "\"").toList();
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
