package io.logcollect.es.it;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.ElasticsearchNode;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sink through a real Connect worker against a real Elasticsearch 8 node. */
class ElasticsearchSinkIT {

    private final KafkaBroker kafka = TestServices.kafka();
    private final ElasticsearchNode node = TestServices.elasticsearch();

    @Test
    void aMillionRecordsBecomeExactlyAMillionDocumentsInDailyIndicesWithTheTemplateMapping() {
        MillionRecords.check(kafka, TestServices.connect(), node, "es-million");
    }

    @Test
    void theWorkerKilledMinus9MidLoadAndRestartedLeavesAnExactCount() {
        // as the shipped central-distributed.properties: the killed task's consumer leaves its group after 10 s
        ConnectWorker worker = ConnectWorker.distributed(kafka).property("consumer.session.timeout.ms", "10000")
                .start();
        try {
            String topic = "es-crash";
            int records = 300_000;
            String name = SinkFixtures.startLoad(kafka, worker, node, topic, 2, records, 80_000);

            worker.kill();
            long before = node.count(topic + "-*");
            worker.startProcess();
            worker.awaitRunning(name, 1, Duration.ofSeconds(120));

            SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(3));
            System.out.printf("killed with %d of %d documents indexed; exact after the restart%n", before, records);
            for (int day = 0; day < 3; day++) {
                assertEquals(100_000, node.count(topic + "-" + SinkFixtures.DAYS.get(day)));
            }
            assertEquals("RUNNING", SinkFixtures.taskState(worker, name));
            worker.deleteConnector(name);
        } finally {
            worker.stop();
        }
    }
}
