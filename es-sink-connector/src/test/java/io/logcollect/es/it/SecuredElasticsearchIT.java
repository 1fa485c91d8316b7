package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.ElasticsearchNode;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestCertificates;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS with a private CA and basic authentication, with and without gzip request bodies, against an
 * Elasticsearch 8 node with x-pack security on. (API keys need the security index, whose mapping needs a
 * module the integ-test distribution lacks; {@code RestClientTransportTest} checks the header they send.)
 */
class SecuredElasticsearchIT {

    private static final String PASSWORD = "s3cret-Pw-4711";
    private static final String WRONG_PASSWORD = "wr0ng-Pw-0815";

    @Test
    void indexesOverTlsWithBasicAuthWithAndWithoutGzipAndFailsClearlyOnAWrongPasswordWithoutLoggingIt() throws Exception {
        KafkaBroker kafka = TestServices.kafka();
        ConnectWorker worker = TestServices.connect();
        ElasticsearchNode node = ElasticsearchNode.start(Map.of(), PASSWORD);
        try {
            assertTrue(node.url().startsWith("https://"), node.url());
            String topic = "es-secured";
            int records = 20_000;
            kafka.createTopic(topic, 1);
            SinkFixtures.produce(kafka, topic, 0, records);

            worker.putConnector(topic + "-sink", SinkFixtures.connector(topic, node, secured(node, PASSWORD)));
            worker.awaitRunning(topic + "-sink", 1, Duration.ofSeconds(90));
            SinkFixtures.awaitExactCount(node, topic + "-*", records, Duration.ofMinutes(2));
            assertEquals("RUNNING", SinkFixtures.taskState(worker, topic + "-sink"));
            worker.deleteConnector(topic + "-sink");

            String wrong = topic + "-wrong-password";
            worker.putConnector(wrong, SinkFixtures.connector(topic, node, secured(node, WRONG_PASSWORD)));
            JsonNode[] status = new JsonNode[1];
            SinkFixtures.await("the task with a wrong password to fail", Duration.ofSeconds(90), () -> {
                status[0] = worker.status(wrong);
                return status[0] != null && status[0].path("tasks").size() == 1
                        && status[0].at("/tasks/0/state").asText().equals("FAILED");
            });
            String trace = status[0].at("/tasks/0/trace").asText();
            assertTrue(trace.contains("refused the credentials (HTTP 401)"), trace);
            assertTrue(trace.contains("connection.password"), trace);
            assertFalse(trace.contains(WRONG_PASSWORD), trace);
            worker.deleteConnector(wrong);

            String gzipTopic = "es-secured-gzip";
            kafka.createTopic(gzipTopic, 1);
            SinkFixtures.produce(kafka, gzipTopic, 0, records);
            Map<String, String> gzip = secured(node, PASSWORD);
            gzip.put("connection.compression", "true");
            worker.putConnector(gzipTopic + "-sink", SinkFixtures.connector(gzipTopic, node, gzip));
            worker.awaitRunning(gzipTopic + "-sink", 1, Duration.ofSeconds(90));
            SinkFixtures.awaitExactCount(node, gzipTopic + "-*", records, Duration.ofMinutes(2));
            assertEquals("RUNNING", SinkFixtures.taskState(worker, gzipTopic + "-sink"));
            worker.deleteConnector(gzipTopic + "-sink");

            String log = Files.readString(worker.process().logFile(), StandardCharsets.ISO_8859_1);
            assertTrue(log.contains("refused the credentials"), "the failure is in the worker log");
            assertFalse(log.contains(WRONG_PASSWORD), "the wrong password is in the worker log");
            assertFalse(log.contains(PASSWORD), "the password is in the worker log");
            assertFalse(log.contains(TestCertificates.STORE_PASSWORD), "the truststore password is in the worker log");
        } finally {
            node.stop();
        }
    }

    private static Map<String, String> secured(ElasticsearchNode node, String password) {
        Map<String, String> config = new HashMap<>();
        config.put("connection.username", ElasticsearchNode.SUPERUSER);
        config.put("connection.password", password);
        config.put("connection.ssl.truststore.location", node.certificates().truststoreFile().toString());
        config.put("connection.ssl.truststore.password", TestCertificates.STORE_PASSWORD);
        config.put("connection.ssl.truststore.type", "JKS");
        config.put("max.retries", "3");
        return config;
    }
}
