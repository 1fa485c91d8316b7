package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink through a real Connect worker against a real OpenSearch node. */
class OpenSearchSinkIT {

    private final KafkaBroker kafka = TestServices.kafka();
    private final ConnectWorker worker = TestServices.connect();
    private final OpenSearchNode node = TestServices.opensearch();

    @Test
    void aMillionRecordsBecomeExactlyAMillionDocumentsInDailyIndicesWithTheTemplateMapping() {
        MillionRecords.check(kafka, worker, node, "os-million");
    }

    @Test
    void theEngineDownForAMinuteMidLoadLosesAndDuplicatesNothing() {
        String topic = "os-outage";
        int records = 300_000;
        String name = SinkFixtures.startLoad(kafka, worker, node, topic, 2, records, 60_000);

        node.stop();
        long downUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < downUntil) {
            assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
            SinkFixtures.sleep(2000);
        }
        node.startProcess();

        SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(3));
        assertEquals(100_000, node.count(topic + "-" + SinkFixtures.DAYS.get(0)));
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }

    /**
     * Changing {@code tasks.max} twice mid-load stops every task (abandoning what it buffered) and moves
     * partitions between the new tasks' consumers (revoking them from the first to start): whatever was not
     * acknowledged is re-delivered, and ids make it land once.
     */
    @Test
    void partitionsMovingBetweenTasksMidLoadLoseAndDuplicateNothing() {
        String topic = "os-rebalance";
        int records = 300_000;
        String name = SinkFixtures.startLoad(kafka, worker, node, topic, 4, records, 50_000);

        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("tasks.max", "3")));
        worker.awaitRunning(name, 3, Duration.ofSeconds(90));
        SinkFixtures.await("a second part indexed", Duration.ofMinutes(2),
                () -> SinkFixtures.indexed(node, topic + "-*") >= 150_000);
        long beforeSecondMove = node.count(topic + "-*");
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("tasks.max", "2")));
        worker.awaitRunning(name, 2, Duration.ofSeconds(90));
        assertTrue(beforeSecondMove < records, "everything was indexed before the second move; it proves nothing");

        SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(3));
        for (int day = 0; day < 3; day++) {
            assertEquals(100_000, node.count(topic + "-" + SinkFixtures.DAYS.get(day)));
        }
        for (JsonNode task : worker.status(name).path("tasks")) {
            assertEquals("RUNNING", task.path("state").asText(), task.toString());
        }
        worker.deleteConnector(name);
    }

    @Test
    void malformedDocumentsGoToTheDeadLetterQueueWithTheReasonWhileTheOthersAreIndexed() throws Exception {
        String topic = "os-malformed";
        String dlq = topic + "-dlq";
        kafka.createTopic(topic, 1);
        Map<Integer, String> sent = new HashMap<>();
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = 0; i < 100; i++) {
                String value;
                if (i % 10 == 3) {
                    value = "{\"@timestamp\":\"yesterday at noon\",\"message\":\"bad date " + i
                            + "\",\"event\":{\"id\":\"" + topic + "-" + i + "\"}}";
                } else if (i % 10 == 7) {
                    value = "{\"message\": \"broken json " + i;
                } else {
                    value = SinkFixtures.ecsRecord(topic, i);
                }
                sent.put(i, value);
                producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(i), null, value), delivery);
            }
            delivery.flushAndVerify(producer);
        }
        String name = topic + "-sink";
        Map<String, String> extra = new HashMap<>();
        extra.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        extra.put("behavior.on.malformed.documents", "dlq");
        extra.put("errors.tolerance", "all");
        extra.put("errors.deadletterqueue.topic.name", dlq);
        extra.put("errors.deadletterqueue.topic.replication.factor", "1");
        extra.put("errors.deadletterqueue.context.headers.enable", "true");
        extra.put("linger.ms", "10");
        worker.putConnector(name, SinkFixtures.connector(topic, node, extra));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));

        SinkFixtures.awaitExactCount(node, topic + "-*", 80, Duration.ofMinutes(2));
        List<ConsumerRecord<String, String>> dead = kafka.consume(dlq, 20, Duration.ofSeconds(60));
        SinkFixtures.sleep(2000);
        assertEquals(20, kafka.recordCount(dlq));
        assertEquals(20, dead.size());
        Set<String> deadValues = new HashSet<>();
        for (ConsumerRecord<String, String> record : dead) {
            deadValues.add(record.value());
            String reason = header(record, "__connect.errors.exception.message");
            if (record.value().contains("yesterday at noon")) {
                assertTrue(reason.contains("mapper_parsing_exception") || reason.contains("document_parsing_exception"),
                        reason);
                assertTrue(reason.contains("@timestamp"), reason);
            } else {
                assertTrue(reason.contains("not valid JSON"), reason);
            }
            assertEquals(topic, header(record, "__connect.errors.topic"));
        }
        Set<String> expectedDead = new HashSet<>();
        Set<String> expectedIds = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            if (i % 10 == 3 || i % 10 == 7) {
                expectedDead.add(sent.get(i));
            } else {
                expectedIds.add(topic + "-" + i);
            }
        }
        assertEquals(expectedDead, deadValues);
        Set<String> ids = new HashSet<>();
        node.search(topic + "-*", Map.of("size", 200, "_source", false, "query", Map.of("match_all", Map.of())))
                .path("hits").path("hits").forEach(hit -> ids.add(hit.path("_id").asText()));
        assertEquals(expectedIds, ids);
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }

    @Test
    void dataStreamsGetEveryRecordOnce() {
        String topic = "os-stream";
        kafka.createTopic(topic, 1);
        SinkFixtures.produce(kafka, topic, 0, 3000);
        String name = topic + "-sink";
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("data.stream.enabled", "true",
                "index.name.format", "logs-{topic}-default")));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        SinkFixtures.awaitExactCount(node, "logs-os-stream-default", 3000, Duration.ofMinutes(2));
        assertEquals("logs-os-stream-default", node.http().get("/_data_stream/logs-os-stream-default").expectOk()
                .at("/data_streams/0/name").asText());
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }

    @Test
    void tombstonesDeleteTheDocumentsOfTheirKeys() {
        String topic = "os-tombstones";
        kafka.createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), "k-" + i,
                        "{\"message\":\"line " + i + "\"}"), delivery);
            }
            delivery.flushAndVerify(producer);
        }
        String name = topic + "-sink";
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("document.id.strategy", "key",
                "behavior.on.null.values", "delete", "write.method", "index")));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        SinkFixtures.awaitExactCount(node, topic + "-*", 100, Duration.ofMinutes(1));
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), "k-" + i, (String) null),
                        delivery);
            }
            delivery.flushAndVerify(producer);
        }
        SinkFixtures.await("10 deletions", Duration.ofMinutes(1), () -> node.count(topic + "-*") == 90);
        SinkFixtures.sleep(2000);
        assertEquals(90, node.count(topic + "-*"));
        assertEquals(404, node.http().get("/" + topic + "-" + SinkFixtures.DAYS.get(0) + "/_doc/k-3").status());
        assertEquals("line 42", node.http().get("/" + topic + "-" + SinkFixtures.DAYS.get(0) + "/_doc/k-42")
                .expectOk().at("/_source/message").asText());
        worker.deleteConnector(name);
    }

    private static String header(ConsumerRecord<String, String> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
