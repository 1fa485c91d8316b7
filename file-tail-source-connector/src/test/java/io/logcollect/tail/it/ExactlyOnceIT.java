package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A distributed worker with exactly-once source support: the connector declares support, and a kill -9 in
 * the middle of a stream leaves no duplicate in what read_committed consumers see.
 */
class ExactlyOnceIT {

    @Test
    void killMinus9OfAnExactlyOnceWorkerLeavesNoDuplicateInKafka() throws Exception {
        KafkaBroker kafka = TestServices.kafka();
        Path logs = Workspace.newDirectory("eos-logs");
        int lines = 300_000;
        try (BufferedWriter out = Files.newBufferedWriter(logs.resolve("eos.log"))) {
            for (int i = 0; i < lines; i++) {
                out.write("eos line " + i + "\n");
            }
        }
        ConnectWorker worker = ConnectWorker.distributed(kafka)
                .property("exactly.once.source.support", "enabled")
                // as the shipped central-distributed.properties: the restarted worker waits for the killed one's
                // open transaction to time out before it reads the offsets topic
                .property("producer.transaction.timeout.ms", "10000")
                .start();
        worker.putConnector("eos", Map.of(
                "connector.class", "io.logcollect.tail.FileTailSourceConnector",
                "tasks.max", "1",
                "exactly.once.support", "required",
                "collect.entries", "[{\"id\":\"eos\",\"paths\":[\"" + logs + "/eos.log\"],\"topic\":\"it-eos\","
                        + "\"start_at\":\"beginning\"}]",
                "allowed.paths", logs.toString(),
                "batch.max.records", "2000"));
        List<JsonNode> before = TailTopics.read(kafka, "it-eos", Duration.ofMinutes(2), v -> v.size() >= lines / 4);
        assertTrue(before.size() < lines, "everything arrived before the kill; the test proves nothing");
        worker.kill();
        worker.startProcess();
        worker.awaitRunning("eos", 1, Duration.ofMinutes(2));

        List<JsonNode> values = TailTopics.readExactly(kafka, "it-eos", lines, Duration.ofMinutes(3));
        TailTopics.assertLines(IntStream.range(0, lines).mapToObj(i -> "eos line " + i).toList(),
                TailTopics.messages(values));
        worker.stop();
    }
}
