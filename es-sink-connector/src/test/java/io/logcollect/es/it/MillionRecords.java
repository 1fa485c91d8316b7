package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One million ECS records through a real worker into a real engine: exact counts, daily indices, the mapping. */
final class MillionRecords {

    static final int RECORDS = 1_000_000;

    private MillionRecords() {
    }

    static void check(KafkaBroker kafka, ConnectWorker worker, SearchNode node, String topic) {
        kafka.createTopic(topic, 2);
        long started = System.nanoTime();
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> SinkFixtures.produce(kafka, topic, 0, RECORDS));
        String name = topic + "-sink";
        worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of()));
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        producing.join();
        assertEquals(RECORDS, kafka.recordCount(topic));
        SinkFixtures.awaitExactCount(node, topic + "-*", RECORDS, Duration.ofMinutes(5));
        System.out.printf("%s: %d records indexed in %.1f s%n", node.flavor(), RECORDS,
                (System.nanoTime() - started) / 1e9);

        List<Long> perDay = List.of(333_334L, 333_333L, 333_333L);
        for (int day = 0; day < 3; day++) {
            String index = topic + "-" + SinkFixtures.DAYS.get(day);
            assertEquals(perDay.get(day), node.count(index), index);
        }
        assertEquals(RECORDS, node.count(String.join(",", SinkFixtures.DAYS.stream().map(d -> topic + "-" + d)
                .toList())));

        String index = topic + "-" + SinkFixtures.DAYS.get(0);
        assertEquals("date", SinkFixtures.mappingType(node, index, "@timestamp"));
        assertEquals("text", SinkFixtures.mappingType(node, index, "message"));
        assertEquals("keyword", SinkFixtures.mappingType(node, index, "host.name"));
        for (String field : List.of("log.file.path", "log.file.inode", "log.file.device_id", "log.file.fingerprint")) {
            assertEquals("keyword", SinkFixtures.mappingType(node, index, field), field);
        }
        assertEquals("keyword", SinkFixtures.mappingType(node, index, "event.id"));
        assertEquals("long", SinkFixtures.mappingType(node, index, "log.offset"));
        assertEquals("date", SinkFixtures.mappingType(node, index, "event.ingested"));
        assertEquals("keyword", SinkFixtures.mappingType(node, index, "labels.app"));
        assertEquals("keyword", SinkFixtures.mappingType(node, index, "labels.entry"));
        SinkFixtures.assertNoMergeOnRefresh(node, index);

        long sample = 777_777L;
        String sampleIndex = topic + "-" + SinkFixtures.DAYS.get((int) (sample % 3));
        JsonNode doc = node.http().get("/" + sampleIndex + "/_doc/" + topic + "-" + sample).expectOk();
        assertEquals(topic + "-" + sample, doc.at("/_source/event/id").asText());
        assertEquals("web-" + (sample % 4), doc.at("/_source/host/name").asText());
        assertEquals(sample * 120, doc.at("/_source/log/offset").asLong());
        // when the sink sent it, which the console's live tail follows
        java.time.Instant ingested = java.time.Instant.parse(doc.at("/_source/event.ingested").asText());
        assertTrue(ingested.isAfter(java.time.Instant.now().minus(java.time.Duration.ofHours(1)))
                && !ingested.isAfter(java.time.Instant.now()), ingested.toString());
        assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
        worker.deleteConnector(name);
    }
}
