package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with a one-thread write pool and a one-slot queue answers 429 to most bulk requests: retries absorb them. */
class RejectionBurstIT {

    @Test
    void aBurstOfTooManyRequestsIsAbsorbedByRetries() {
        KafkaBroker kafka = TestServices.kafka();
        ConnectWorker worker = TestServices.connect();
        OpenSearchNode node = OpenSearchNode.start(Map.of("thread_pool.write.size", "1",
                "thread_pool.write.queue_size", "1"));
        try {
            String topic = "os-rejections";
            int records = 60_000;
            kafka.createTopic(topic, 2);
            SinkFixtures.produce(kafka, topic, 0, records);
            String name = topic + "-sink";
            worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of(
                    "batch.size", "300", "max.in.flight.requests", "8", "retry.backoff.ms", "50",
                    "retry.backoff.max.ms", "2000", "max.retries", "100")));
            worker.awaitRunning(name, 1, Duration.ofSeconds(90));

            SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(3));
            for (int day = 0; day < 3; day++) {
                assertEquals(20_000, node.count(topic + "-" + SinkFixtures.DAYS.get(day)));
            }
            JsonNode pools = node.http().get("/_nodes/stats/thread_pool?filter_path=nodes.*.thread_pool.write")
                    .expectOk();
            long rejected = pools.path("nodes").elements().next().at("/thread_pool/write/rejected").asLong();
            System.out.println("write requests rejected by the node: " + rejected);
            assertTrue(rejected > 0, "the node rejected nothing: the test did not produce a burst of 429s");
            assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
            worker.deleteConnector(name);
        } finally {
            node.stop();
        }
    }
}
