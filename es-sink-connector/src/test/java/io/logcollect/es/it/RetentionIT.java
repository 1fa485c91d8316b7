package io.logcollect.es.it;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * index.retention.days on a real OpenSearch 3 node and a real Elasticsearch 8 node: the sink's tasks delete their
 * topics' dated indices once past the retention, keep today's and the boundary day's, and touch nothing else (an
 * undated index, another topic's, a topic whose name begins the same); a per-topic retention applies on its own.
 */
class RetentionIT {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");

    private static KafkaBroker kafka;
    private static ConnectWorker worker;

    @BeforeAll
    static void startServices() {
        kafka = TestServices.kafka();
        worker = TestServices.connect();
    }

    @Test
    void openSearchKeepsSevenDaysThenThreeForOneTopic() {
        sweep(TestServices.opensearch(), "os-retention");
    }

    @Test
    void elasticsearchKeepsSevenDaysThenThreeForOneTopic() {
        sweep(TestServices.elasticsearch(), "es-retention");
    }

    private static void sweep(SearchNode node, String topic) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String old = topic + "-" + today.minusDays(40).format(DAY);
        String eightDays = topic + "-" + today.minusDays(8).format(DAY);
        String sevenDays = topic + "-" + today.minusDays(7).format(DAY);
        String current = topic + "-" + today.format(DAY);
        List<String> untouched = List.of(topic + "-archive", topic + "-" + today.minusDays(8).format(DAY) + "-copy",
                topic + "x-" + today.minusDays(40).format(DAY), "other-" + topic + "-" + today.minusDays(40).format(DAY));
        for (String index : List.of(old, eightDays, sevenDays, current)) {
            node.http().put("/" + index, Map.of()).expectOk();
        }
        untouched.forEach(index -> node.http().put("/" + index, Map.of()).expectOk());

        kafka.createTopic(topic, 1);
        SinkFixtures.produce(kafka, topic, 0, 3);
        String name = topic + "-sink";
        Map<String, String> config = new HashMap<>(SinkFixtures.connector(topic, node, Map.of(
                "index.retention.days", "7", "index.retention.check.interval.ms", "1000")));
        worker.putConnector(name, config);
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));
        SinkFixtures.await(old + " and " + eightDays + " deleted", Duration.ofSeconds(60),
                () -> !exists(node, old) && !exists(node, eightDays));
        for (String kept : List.of(sevenDays, current)) {
            assertEquals(true, exists(node, kept), kept + " is within 7 days");
        }
        untouched.forEach(index -> assertEquals(true, exists(node, index), index + " is not the topic's dated index"));

        config.put("index.retention.days." + topic, "3");
        worker.putConnector(name, config);
        SinkFixtures.await(sevenDays + " deleted with the topic's own 3 days", Duration.ofSeconds(60),
                () -> !exists(node, sevenDays));
        assertEquals(true, exists(node, current));
        untouched.forEach(index -> assertEquals(true, exists(node, index), index + " is not the topic's dated index"));
        worker.deleteConnector(name);
    }

    private static boolean exists(SearchNode node, String index) {
        return node.http().get("/" + index).status() == 200;
    }
}
