package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.ElasticsearchNode;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One plugin for every engine: the engines and versions the other tests do not run (Elasticsearch 7 and 9,
 * OpenSearch 2) get the same records, and the connector detects each, installs its template and indexes
 * every record exactly once.
 */
class EngineCompatibilityIT {

    private static final int RECORDS = 30_000;

    private final KafkaBroker kafka = TestServices.kafka();
    private final ConnectWorker worker = TestServices.connect();

    @Test
    void elasticsearch7() throws Exception {
        check(ElasticsearchNode.startMajor(7), "es7", "7.17.");
    }

    @Test
    void elasticsearch9() throws Exception {
        check(ElasticsearchNode.startMajor(9), "es9", "9.2.");
    }

    @Test
    void openSearch2() throws Exception {
        check(OpenSearchNode.startOpenSearch2(), "os2", "2.19.");
    }

    private void check(SearchNode node, String topic, String versionPrefix) throws Exception {
        try {
            assertTrue(node.version().startsWith(versionPrefix), node.version());
            kafka.createTopic(topic, 2);
            SinkFixtures.produce(kafka, topic, 0, RECORDS);
            String name = topic + "-sink";
            worker.putConnector(name, SinkFixtures.connector(topic, node, Map.of()));
            worker.awaitRunning(name, 1, Duration.ofSeconds(90));
            SinkFixtures.awaitExactCount(node, topic + "-*", RECORDS, Duration.ofMinutes(2));

            for (int day = 0; day < 3; day++) {
                assertEquals(RECORDS / 3, node.count(topic + "-" + SinkFixtures.DAYS.get(day)));
            }
            String index = topic + "-" + SinkFixtures.DAYS.get(1);
            assertEquals("date", SinkFixtures.mappingType(node, index, "@timestamp"));
            assertEquals("text", SinkFixtures.mappingType(node, index, "message"));
            assertEquals("keyword", SinkFixtures.mappingType(node, index, "host.name"));
            assertEquals("keyword", SinkFixtures.mappingType(node, index, "event.id"));
            SinkFixtures.assertNoMergeOnRefresh(node, index);
            long sample = 12_346;
            JsonNode doc = node.http().get("/" + topic + "-" + SinkFixtures.DAYS.get((int) (sample % 3)) + "/_doc/"
                    + topic + "-" + sample).expectOk();
            assertEquals("web-" + (sample % 4), doc.at("/_source/host/name").asText());
            assertEquals(sample * 120, doc.at("/_source/log/offset").asLong());

            String log = Files.readString(worker.process().logFile(), StandardCharsets.ISO_8859_1);
            String detected = "writes to " + node.flavor() + " " + node.version();
            assertTrue(log.contains(detected), "the worker log does not say '" + detected + "'");
            assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
            worker.deleteConnector(name);
        } finally {
            node.stop();
        }
    }
}
