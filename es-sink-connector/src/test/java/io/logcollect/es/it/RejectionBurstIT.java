package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with a one-thread write pool and a one-slot queue answers 429 to most bulk requests: retries absorb them. */
class RejectionBurstIT {

    private static final Map<String, String> RETRYING = Map.of("batch.size", "300", "max.in.flight.requests", "8",
            "retry.backoff.ms", "50", "retry.backoff.max.ms", "2000", "max.retries", "100");

    private static KafkaBroker kafka;
    private static ConnectWorker worker;
    private static OpenSearchNode node;

    @BeforeAll
    static void startServices() {
        kafka = TestServices.kafka();
        worker = TestServices.connect();
        node = OpenSearchNode.start(Map.of("thread_pool.write.size", "1", "thread_pool.write.queue_size", "1"));
    }

    @AfterAll
    static void stopNode() {
        node.stop();
    }

    @Test
    void aBurstOfTooManyRequestsIsAbsorbedByRetries() {
        String topic = "os-rejections";
        int records = 60_000;
        kafka.createTopic(topic, 2);
        SinkFixtures.produce(kafka, topic, 0, records);
        String name = topic + "-sink";
        long rejectedBefore = rejected();
        worker.putConnector(name, SinkFixtures.connector(topic, node, RETRYING));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));

        SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(3));
        for (int day = 0; day < 3; day++) {
            assertEquals(20_000, node.count(topic + "-" + SinkFixtures.DAYS.get(day)));
        }
        assertRejectedSince(rejectedBefore);
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }

    /**
     * Ten versions of each of 1,000 keys, then a tombstone for every even key, indexed by key while most
     * requests are refused: every key must end in its last state, though its operations were retried.
     */
    @Test
    void updatesAndDeletesOfAKeyAreAppliedInTheirOrderThroughRetries() {
        String topic = "os-rejections-keyed";
        int keys = 1_000;
        int versions = 10;
        kafka.createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int version = 0; version < versions; version++) {
                for (int key = 0; key < keys; key++) {
                    producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), "k-" + key,
                            "{\"message\":\"k-" + key + " v" + version + "\"}"), delivery);
                }
            }
            for (int key = 0; key < keys; key += 2) {
                producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), "k-" + key, (String) null),
                        delivery);
            }
            delivery.flushAndVerify(producer);
        }
        String name = topic + "-sink";
        Map<String, String> config = new TreeMap<>(RETRYING);
        config.putAll(Map.of("document.id.strategy", "key", "behavior.on.null.values", "delete",
                "write.method", "index"));
        long rejectedBefore = rejected();
        worker.putConnector(name, SinkFixtures.connector(topic, node, config));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));

        String index = topic + "-" + SinkFixtures.DAYS.get(0);
        SinkFixtures.await("every record indexed or deleted", Duration.ofMinutes(3),
                () -> SinkFixtures.committedOffset(kafka, "connect-" + name, topic) == (long) keys * versions + keys / 2);
        node.http().post("/" + index + "/_refresh", Map.of()).expectOk();
        Map<String, String> expected = new TreeMap<>();
        for (int key = 1; key < keys; key += 2) {
            expected.put("k-" + key, "k-" + key + " v" + (versions - 1));
        }
        JsonNode hits = node.http().get("/" + index + "/_search?size=" + keys + "&_source=message").expectOk()
                .at("/hits/hits");
        Map<String, String> actual = new TreeMap<>();
        for (JsonNode hit : hits) {
            actual.put(hit.path("_id").asText(), hit.at("/_source/message").asText());
        }
        assertEquals(expected, actual, () -> wrongKeys(expected, actual));
        assertRejectedSince(rejectedBefore);
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }

    private static String wrongKeys(Map<String, String> expected, Map<String, String> actual) {
        Map<String, String> wrong = new TreeMap<>();
        for (int key = 0; key < 1_000; key++) {
            String id = "k-" + key;
            if (!Objects.equals(expected.get(id), actual.get(id))) {
                wrong.put(id, "expected " + expected.get(id) + ", was " + actual.get(id));
            }
        }
        return wrong.size() + " keys not in their last state: " + wrong;
    }

    private static long rejected() {
        JsonNode pools = node.http().get("/_nodes/stats/thread_pool?filter_path=nodes.*.thread_pool.write").expectOk();
        return pools.path("nodes").elements().next().at("/thread_pool/write/rejected").asLong();
    }

    private static void assertRejectedSince(long before) {
        long rejected = rejected() - before;
        System.out.println("write requests rejected by the node: " + rejected);
        assertTrue(rejected > 0, "the node rejected nothing: the test did not produce a burst of 429s");
    }
}
