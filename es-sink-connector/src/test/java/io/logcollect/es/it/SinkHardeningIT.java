package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink's hardening (issue 9) through a real Connect worker against real OpenSearch nodes: configs that
 * would acknowledge work not done are refused, keyed documents keep their newest version, Confluent's names
 * work, oversized requests and documents are handled one by one, stops do not wait, and logs quote no document.
 */
class SinkHardeningIT {

    private final KafkaBroker kafka = TestServices.kafka();
    private final ConnectWorker worker = TestServices.connect();
    private final OpenSearchNode node = TestServices.opensearch();

    private void produceKeyed(String topic, Map<String, String> keysAndValues) {
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            keysAndValues.forEach((key, value) -> producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0),
                    key, value), delivery));
            delivery.flushAndVerify(producer);
        }
    }

    private String workerLog() {
        try {
            return Files.readString(worker.process().logFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void configsThatWouldAcknowledgeWorkNotDoneAreRefusedWithTheReason() {
        Map<String, String> deletesByEventId = SinkFixtures.connector("t", node, Map.of(
                "behavior.on.null.values", "delete", "document.id.strategy", "event.id"));
        HttpJson.Response refused = worker.rest().put("/connector-plugins/ElasticsearchSinkConnector/config/validate",
                deletesByEventId);
        assertTrue(refused.body().contains("deleting on tombstones needs document.id.strategy=key"), refused.body());
        HttpJson.Response created = worker.rest().put("/connectors/refused-deletes/config", deletesByEventId);
        assertEquals(400, created.status(), created.body());

        HttpJson.Response dlqWithoutTopic = worker.rest().put("/connectors/refused-dlq/config",
                SinkFixtures.connector("t", node, Map.of("behavior.on.malformed.documents", "dlq",
                        "errors.tolerance", "all")));
        assertEquals(400, dlqWithoutTopic.status(), dlqWithoutTopic.body());
        assertTrue(dlqWithoutTopic.body().contains("errors.deadletterqueue.topic.name"), dlqWithoutTopic.body());

        HttpJson.Response keyCreate = worker.rest().put("/connectors/refused-create/config",
                SinkFixtures.connector("t", node, Map.of("document.id.strategy", "key", "write.method", "create")));
        assertEquals(400, keyCreate.status(), keyCreate.body());
        assertTrue(keyCreate.body().contains("use index or upsert"), keyCreate.body());
    }

    @Test
    void laterVersionsOfAKeyReplaceItsDocumentByDefault() {
        String topic = "os-versions";
        kafka.createTopic(topic, 1);
        Map<String, String> first = new java.util.LinkedHashMap<>();
        Map<String, String> second = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            first.put("k-" + i, "{\"message\":\"v1 of " + i + "\"}");
            second.put("k-" + i, "{\"message\":\"v2 of " + i + "\"}");
        }
        produceKeyed(topic, first);
        String name = topic + "-sink";
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("document.id.strategy", "key")));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        SinkFixtures.awaitExactCount(node, topic + "-*", 50, Duration.ofMinutes(1));
        produceKeyed(topic, second);
        String index = topic + "-" + SinkFixtures.DAYS.get(0);
        SinkFixtures.await("every key at v2", Duration.ofMinutes(1), () -> {
            node.refresh(index);
            return node.search(index, Map.of("size", 0, "query", Map.of("match_phrase", Map.of("message", "v2"))))
                    .at("/hits/total/value").asLong() == 50;
        });
        assertEquals(50, node.count(topic + "-*"));
        assertEquals("v2 of 7", node.http().get("/" + index + "/_doc/k-7").expectOk().at("/_source/message").asText());
        worker.deleteConnector(name);
    }

    @Test
    void aConfluentConfigUpsertsDropsInvalidMessagesAndNamesItsDataStream() {
        String topic = "os-confluent";
        kafka.createTopic(topic, 1);
        Map<String, String> records = new java.util.LinkedHashMap<>();
        records.put("k-1", "{\"@timestamp\":\"2026-11-22T00:00:00Z\",\"a\":1}");
        records.put("k-2", "[1,2,3]");
        produceKeyed(topic, records);
        produceKeyed(topic, Map.of("k-1", "{\"@timestamp\":\"2026-11-22T00:00:00Z\",\"b\":2}"));
        String name = topic + "-sink";
        Map<String, String> confluent = new HashMap<>();
        confluent.put("key.ignore", "false");
        confluent.put("write.method", "upsert");
        confluent.put("behavior.on.malformed.documents", "ignore");
        confluent.put("drop.invalid.message", "true");
        confluent.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.putConnector(name, SinkFixtures.connector(topic, node, confluent));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        String index = topic + "-" + SinkFixtures.DAYS.get(0);
        SinkFixtures.await("k-1 upserted twice", Duration.ofMinutes(1), () -> {
            HttpJson.Response doc = node.http().get("/" + index + "/_doc/k-1");
            return doc.ok() && doc.json().at("/_source/b").asInt() == 2;
        });
        JsonNode merged = node.http().get("/" + index + "/_doc/k-1").expectOk().path("_source");
        assertEquals(1, merged.path("a").asInt());
        assertEquals(2, merged.path("b").asInt());
        SinkFixtures.sleep(2000);
        assertEquals(1, node.count(topic + "-*"));
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);

        String streamTopic = "os-confluent-stream";
        kafka.createTopic(streamTopic, 1);
        SinkFixtures.produce(kafka, streamTopic, 0, 100);
        String streamName = streamTopic + "-sink";
        worker.putConnector(streamName, SinkFixtures.connector(streamTopic, node, Map.of("data.stream.type", "LOGS",
                "data.stream.dataset", "shop", "key.ignore", "true")));
        worker.awaitRunning(streamName, 1, Duration.ofSeconds(90));
        SinkFixtures.awaitExactCount(node, "logs-shop-" + streamTopic, 100, Duration.ofMinutes(1));
        assertEquals("logs-shop-" + streamTopic, node.http().get("/_data_stream/logs-shop-" + streamTopic).expectOk()
                .at("/data_streams/0/name").asText());
        worker.deleteConnector(streamName);
    }

    /**
     * Against a node that takes at most 4 MB per request: the default 5 MB requests are refused (413) and go
     * again in halves, and a 5 MB document goes to the dead-letter queue while every other one is indexed.
     */
    @Test
    void requestsTooLargeAreSplitAndADocumentTooLargeGoesToTheDeadLetterQueue() throws Exception {
        OpenSearchNode small = OpenSearchNode.start(Map.of("http.max_content_length", "4mb"));
        try {
            String topic = "os-oversized";
            String dlq = topic + "-dlq";
            kafka.createTopic(topic, 1, Map.of("max.message.bytes", String.valueOf(16 << 20)));
            kafka.createTopic(dlq, 1, Map.of("max.message.bytes", String.valueOf(16 << 20)));
            String padding = "x".repeat(30_000);
            String huge = "y".repeat(5 << 20);
            try (KafkaProducer<String, String> producer = kafka.producer(Map.of(
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20, ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20))) {
                DeliveryCheck delivery = new DeliveryCheck();
                for (int i = 0; i < 300; i++) {
                    String value = "{\"@timestamp\":\"2026-11-22T01:00:00Z\",\"event\":{\"id\":\"big-" + i
                            + "\"},\"message\":\"" + (i == 150 ? huge : padding) + "\"}";
                    producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), null, value), delivery);
                }
                delivery.flushAndVerify(producer);
            }
            Map<String, String> extra = new HashMap<>();
            extra.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
            extra.put("behavior.on.malformed.documents", "dlq");
            extra.put("errors.tolerance", "all");
            extra.put("errors.deadletterqueue.topic.name", dlq);
            extra.put("errors.deadletterqueue.topic.replication.factor", "1");
            extra.put("errors.deadletterqueue.context.headers.enable", "true");
            extra.put("producer.override.max.request.size", String.valueOf(16 << 20));
            extra.put("consumer.override.max.partition.fetch.bytes", String.valueOf(16 << 20));
            extra.put("batch.size", "300");
            // Batches go when 5 MB are buffered (bulk.size.bytes), not after a short linger: the first is then
            // over the node's 4 MB whatever pace the consumer delivers records at.
            extra.put("linger.ms", "10000");
            String name = topic + "-sink";
            worker.putConnector(name, SinkFixtures.connector(topic, small, extra));
            worker.awaitRunning(name, 1, Duration.ofSeconds(90));
            SinkFixtures.awaitExactCount(small, topic + "-*", 299, Duration.ofMinutes(2));
            List<ConsumerRecord<String, String>> dead = kafka.consume(dlq, 1, Duration.ofSeconds(60));
            assertTrue(dead.get(0).value().contains("\"big-150\""));
            assertEquals(404, small.http().get("/" + topic + "-" + SinkFixtures.DAYS.get(0) + "/_doc/big-150").status());
            assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
            assertTrue(workerLog().contains("refused as too large (HTTP 413)"), "the split was not logged");
            worker.deleteConnector(name);
        } finally {
            small.stop();
        }
    }

    @Test
    void malformedDocumentsAreLoggedByIndexIdAndErrorTypeWithoutTheirContent() {
        String topic = "os-quiet-logs";
        kafka.createTopic(topic, 1);
        String secret = "card-4111-1111-1111-1111";
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), null,
                    "{\"@timestamp\":\"" + secret + "\",\"event\":{\"id\":\"quiet-1\"}}"), delivery);
            producer.send(new ProducerRecord<>(topic, 0, SinkFixtures.timestamp(0), null,
                    SinkFixtures.ecsRecord(topic, 2)), delivery);
            delivery.flushAndVerify(producer);
        }
        String name = topic + "-sink";
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of("behavior.on.malformed.documents", "warn",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter")));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        SinkFixtures.awaitExactCount(node, topic + "-*", 1, Duration.ofMinutes(1));
        SinkFixtures.await("the warning", Duration.ofSeconds(30), () -> workerLog().contains("_id quiet-1"));
        String log = workerLog();
        String line = log.lines().filter(l -> l.contains("_id quiet-1")).findFirst().orElseThrow();
        assertTrue(line.contains("index " + topic + "-" + SinkFixtures.DAYS.get(0)), line);
        assertTrue(line.contains("HTTP 400 mapper_parsing_exception") || line.contains("HTTP 400 document_parsing_exception"),
                line);
        assertFalse(log.contains(secret), "a field value of a malformed document is in the worker log");
        worker.deleteConnector(name);
    }

    /**
     * Partitions added to the topic under load while the engine is down make the sink tasks' consumers
     * rebalance: every partition is revoked and reassigned without a task restart. Revocation must not wait for
     * the engine (nothing acknowledged after Connect's commit could be committed), so the group is stable again
     * within seconds. Then the connector is deleted under load: answers arriving after its tasks stopped are
     * ignored without an error, and the connector created again indexes every record exactly once.
     */
    @Test
    void revocationAndStopUnderLoadNeitherWaitForTheEngineNorFail() throws Exception {
        String topic = "os-stop";
        kafka.createTopic(topic, 2);
        SinkFixtures.produce(kafka, topic, 0, 300_000);
        String name = topic + "-sink";
        Map<String, String> config = new HashMap<>(SinkFixtures.connector(topic, node,
                Map.of("consumer.override.metadata.max.age.ms", "1000")));
        config.put("tasks.max", "2");
        worker.putConnector(name, config);
        worker.awaitRunning(name, 2, Duration.ofSeconds(90));
        SinkFixtures.await("a first part indexed", Duration.ofMinutes(2),
                () -> SinkFixtures.indexed(node, topic + "-*") >= 20_000);
        node.stop();
        try (Admin admin = kafka.admin()) {
            SinkFixtures.sleep(2000);
            long added = System.nanoTime();
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);
            SinkFixtures.await("the 4 partitions assigned", Duration.ofSeconds(60),
                    () -> assignedPartitions(admin, "connect-" + name) == 4);
            double seconds = (System.nanoTime() - added) / 1e9;
            assertTrue(seconds < 30, "the rebalance took " + seconds + " s: revocation waited for the engine");
        } finally {
            node.startProcess();
        }
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        SinkFixtures.await("half of the load indexed", Duration.ofMinutes(2),
                () -> SinkFixtures.indexed(node, topic + "-*") >= 150_000);
        worker.deleteConnector(name);
        SinkFixtures.sleep(3000);
        String log = workerLog();
        assertFalse(log.contains("NullPointerException"), "a late answer hit a released claim");
        assertFalse(log.contains("Unexpected error handling a bulk answer"), "a late answer failed");
        worker.putConnector(name, config);
        SinkFixtures.awaitExactCount(node, topic + "-*", 300_000, Duration.ofMinutes(3));
        worker.deleteConnector(name);
    }

    private static int assignedPartitions(Admin admin, String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            if (description.groupState() != GroupState.STABLE) {
                return -1;
            }
            return description.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
