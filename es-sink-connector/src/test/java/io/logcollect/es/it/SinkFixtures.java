package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the integration tests share: ECS log records like the tail source writes, connector configs, waits. */
final class SinkFixtures {

    /**
     * The first of the three days the records' timestamps fall on: days before the test's, not fixed dates, so that
     * no sink's index.retention.days ever finds them past their retention on a later day.
     */
    private static final LocalDate FIRST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    /** The three days, one index each with the default format. */
    static final List<String> DAYS = List.of(0, 1, 2).stream()
            .map(d -> FIRST_DAY.plusDays(d).format(DateTimeFormatter.ofPattern("yyyy.MM.dd"))).toList();
    private static final long DAY0 = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    private static final long DAY_MS = 86_400_000L;

    private SinkFixtures() {
    }

    /** The Kafka timestamp of record {@code i}: day {@code i % 3}, spread over the day. */
    static long timestamp(long i) {
        return DAY0 + (i % 3) * DAY_MS + (i * 7919L) % DAY_MS;
    }

    /** Record {@code i} as the file tail source writes it (DESIGN.md section 3), as JSON. */
    static String ecsRecord(String topic, long i) {
        String ts = Instant.ofEpochMilli(timestamp(i)).toString();
        return "{\"@timestamp\":\"" + ts + "\",\"message\":\"GET /shop/item/" + i + " HTTP/1.1 200 " + (i % 5000)
                + " \\\"Mozilla/5.0\\\"\",\"event\":{\"id\":\"" + topic + "-" + i + "\"},\"host\":{\"name\":\"web-"
                + (i % 4) + "\"},\"log\":{\"file\":{\"path\":\"/var/log/nginx/access.log\"},\"offset\":" + (i * 120)
                + "},\"labels\":{\"app\":\"shop\",\"env\":\"prod\",\"policy\":\"web\",\"entry\":\"nginx-access\"}}";
    }

    /** Produces records {@code from} (inclusive) to {@code to} (exclusive), keyed by host, timestamps of {@link #timestamp}. */
    static void produce(KafkaBroker kafka, String topic, long from, long to) {
        Map<String, Object> overrides = Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        try (KafkaProducer<String, String> producer = kafka.producer(overrides)) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (long i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, null, timestamp(i), "web-" + (i % 4) + ":access.log",
                        ecsRecord(topic, i)), delivery);
            }
            delivery.flushAndVerify(producer);
        }
    }

    /** The connector config for a topic and a node, with test-friendly batching; extra entries override. */
    static Map<String, String> connector(String topic, SearchNode node, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.es.ElasticsearchSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.url", node.url());
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("index.template.replicas", "0");
        config.put("consumer.override.max.poll.records", "2000");
        config.putAll(extra);
        return config;
    }

    /**
     * Produces {@code records} records into a new topic of {@code partitions} partitions, starts its sink
     * connector ({@code <topic>-sink}, one task) and returns its name once {@code firstPart} documents are
     * indexed: the middle of a load, where the fault tests strike.
     */
    static String startLoad(KafkaBroker kafka, ConnectWorker worker, SearchNode node, String topic, int partitions,
                            int records, long firstPart) {
        kafka.createTopic(topic, partitions);
        produce(kafka, topic, 0, records);
        String name = topic + "-sink";
        worker.putConnector(name, connector(topic, node, Map.of()));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        await("a first part indexed", Duration.ofMinutes(2), () -> indexed(node, topic + "-*") >= firstPart);
        return name;
    }

    /** Waits until {@code condition} holds, failing with {@code what} after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(500);
        }
    }

    /** The offsets a sink connector's consumer group committed for {@code topic}, summed over its partitions. */
    static long committedOffset(KafkaBroker kafka, String group, String topic) {
        try (Admin admin = kafka.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e);
        }
    }

    /** Documents indexed into {@code pattern} so far, without a refresh (cheap to poll). */
    static long indexed(SearchNode node, String pattern) {
        HttpJson.Response response = node.http().get("/" + pattern
                + "/_stats/indexing?ignore_unavailable=true&allow_no_indices=true&filter_path=_all.primaries.indexing.index_total");
        if (!response.ok()) {
            return 0;
        }
        return response.json().at("/_all/primaries/indexing/index_total").asLong(0);
    }

    /**
     * Waits until the index pattern holds {@code expected} documents (polling the count, which refreshes, every
     * 2 s), then checks, after a pause for stragglers, that it holds exactly that many.
     */
    static void awaitExactCount(SearchNode node, String pattern, long expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = safeCount(node, pattern);
        while (count < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + expected
                        + " documents in " + pattern + "; have " + count);
            }
            sleep(2000);
            count = safeCount(node, pattern);
        }
        sleep(3000);
        count = node.count(pattern);
        if (count != expected) {
            throw new AssertionError("expected exactly " + expected + " documents in " + pattern + ", found " + count);
        }
    }

    static long safeCount(SearchNode node, String pattern) {
        try {
            return node.count(pattern);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The task's state, failing the test with the trace if it FAILED. */
    static String taskState(ConnectWorker worker, String connector) {
        JsonNode status = worker.status(connector);
        if (status == null || status.path("tasks").isEmpty()) {
            return "UNASSIGNED";
        }
        JsonNode task = status.path("tasks").get(0);
        if (task.path("state").asText().equals("FAILED")) {
            throw new AssertionError("the task failed: " + task.path("trace").asText());
        }
        return task.path("state").asText();
    }

    /** The mapping type of a field in an index, e.g. {@code host.name}. */
    static String mappingType(SearchNode node, String index, String field) {
        JsonNode mapping = node.http().get("/" + index + "/_mapping/field/" + field).expectOk();
        JsonNode fieldNode = mapping.path(index).path("mappings").path(field).path("mapping");
        String leaf = field.substring(field.lastIndexOf('.') + 1);
        return fieldNode.path(leaf).path("type").asText();
    }

    /**
     * Checks the template's engine-specific setting on a real index: OpenSearch must not merge on refresh (its
     * default), and Elasticsearch, which has no such setting, must not be sent it.
     */
    static void assertNoMergeOnRefresh(SearchNode node, String index) {
        JsonNode settings = node.http().get("/" + index + "/_settings?flat_settings=true").expectOk()
                .path(index).path("settings");
        if (node.flavor().equals("opensearch")) {
            assertEquals("false", settings.path("index.merge_on_flush.enabled").asText(), settings.toString());
        } else {
            assertFalse(settings.has("index.merge_on_flush.enabled"), settings.toString());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
