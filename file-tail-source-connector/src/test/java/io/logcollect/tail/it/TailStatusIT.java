package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tail task's status records (DESIGN.md section 9) through a Kafka outage: a file grows while the broker
 * is stopped for 30 s, the agent falls behind, and its status shows the bytes behind, then 0 once it caught up,
 * with every line delivered exactly once.
 */
class TailStatusIT {

    @Test
    void theStatusShowsTheBacklogOfAnOutageAndItsEnd() throws Exception {
        KafkaBroker kafka = TestServices.kafka();
        Path dir = Workspace.newDirectory("status-logs");
        Path log = dir.resolve("app.log");
        Files.writeString(log, "");
        ConnectWorker agent = ConnectWorker.standalone(kafka)
                .property("producer.buffer.memory", String.valueOf(256 * 1024))
                .property("producer.delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE))
                .property("producer.max.block.ms", String.valueOf(Long.MAX_VALUE))
                .start();
        try {
            agent.putConnector("status", TailTopics.connector("[{\"id\":\"status\",\"paths\":[\"" + log
                    + "\"],\"topic\":\"it-status-lines\",\"start_at\":\"beginning\"}]", dir.toString(), "status",
                    "status.topic", "it-status", "status.interval.ms", "1000"));
            agent.awaitRunning("status", 1, Duration.ofSeconds(60));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try (BufferedWriter out = Files.newBufferedWriter(log, StandardOpenOption.APPEND)) {
                    while (writing.get()) {
                        for (int i = 0; i < 40; i++) {
                            out.write("line " + written.getAndIncrement() + " " + "x".repeat(200) + "\n");
                        }
                        out.flush();
                        Thread.sleep(20);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            ServiceProcess.sleep(3000);
            kafka.stop();
            ServiceProcess.sleep(30_000);
            kafka.startProcess();
            ServiceProcess.sleep(5000);
            writing.set(false);
            writer.join();
            int lines = written.get();

            List<JsonNode> delivered = TailTopics.readExactly(kafka, "it-status-lines", lines, Duration.ofMinutes(3));
            TailTopics.assertLines(IntStream.range(0, lines).mapToObj(i -> "line " + i + " " + "x".repeat(200)).toList(),
                    TailTopics.messages(delivered));
            List<JsonNode> status = TailTopics.read(kafka, "it-status", Duration.ofMinutes(1), values -> {
                boolean behind = false;
                for (JsonNode value : values) {
                    long bytes = value.at("/logcollect/status/bytes_behind").asLong();
                    behind |= bytes > 1 << 20;
                    if (behind && bytes == 0) {
                        return true;
                    }
                }
                return false;
            });
            long mostBehind = status.stream().mapToLong(v -> v.at("/logcollect/status/bytes_behind").asLong()).max()
                    .orElse(0);
            assertTrue(mostBehind > 1 << 20, "the status never showed the backlog: at most " + mostBehind + " bytes");
            JsonNode last = status.get(status.size() - 1);
            assertEquals(0, last.at("/logcollect/status/bytes_behind").asLong(), last.toString());
            assertEquals("status", last.at("/logcollect/status/policy").asText());
            assertEquals(1, last.at("/logcollect/status/files/tracked").asInt());
            assertEquals("logcollect.status", last.at("/event/dataset").asText());
            assertTrue(status.stream().mapToLong(v -> v.at("/logcollect/status/lines").asLong()).sum() >= lines,
                    "the lines counted by the status records do not add up to those written");
            System.out.printf("status through a 30 s outage: at most %,d bytes behind, %d status records%n",
                    mostBehind, status.size());
        } finally {
            agent.stop();
        }
    }
}
