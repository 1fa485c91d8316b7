package io.logcollect.etcd.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One distributed worker with the provider: values resolved at start, changes applied to running connectors. */
class EtcdConfigProviderIT {

    private static KafkaBroker kafka;
    private static EtcdServer etcd;
    private static RestForwarder rest;
    private static ConnectWorker worker;

    @BeforeAll
    static void start() throws IOException {
        kafka = TestServices.kafka();
        etcd = TestServices.etcd();
        rest = new RestForwarder();
        worker = Its.withProvider(ConnectWorker.distributed(kafka).heap("512m"),
                Its.params("endpoints", etcd.endpoint(), "connect.rest.url", rest.url())).start();
        rest.target(worker.restUrl());
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.stop();
        }
        if (rest != null) {
            rest.close();
        }
    }

    @Test
    void aConnectorStartsWithTheValueAndRunsWithTheNewOneWithin5SecondsOfAChange() {
        String base = "/logcollect/it/" + Its.unique("change");
        String name = Its.unique("file-source");
        String topic = Its.unique("etcd-change");
        Path first = Its.linesFile(Its.unique("first"), 20);
        Path second = Its.linesFile(Its.unique("second"), 20);
        etcd.put(base + "/file", first.toString());

        worker.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
        worker.awaitRunning(name, 1, Duration.ofSeconds(60));
        Its.awaitLine(kafka, topic, tag(first) + "-19", Duration.ofSeconds(30));

        // Connect shows the raw config, and keeps the variable (not the value) in the stored task config.
        JsonNode info = worker.rest().get("/connectors/" + name).expectOk();
        assertEquals("${etcd:" + base + ":file}", info.path("config").path("file").asText());
        assertEquals("${etcd:" + base + ":file}", worker.taskConfigs(name).get(0).path("config").path("file").asText());

        etcd.put(base + "/file", second.toString());
        Duration took = Its.awaitLine(kafka, topic, tag(second) + "-0", Duration.ofSeconds(30));
        System.out.println("new value applied " + took.toMillis() + " ms after the etcd put");
        assertTrue(took.toMillis() < 5000, "the task read the new file only after " + took.toMillis() + " ms");
        Its.awaitLine(kafka, topic, tag(second) + "-19", Duration.ofSeconds(10));
        worker.awaitRunning(name, 1, Duration.ofSeconds(10));
        assertEquals(1, rest.restarts(name), rest.requests().toString());
        assertEquals(1, Its.countLines(worker.process().logFile(),
                "Restarting connector '" + name + "' and its tasks: etcd key(s) [" + base + "/file]"));
        worker.deleteConnector(name);
    }

    @Test
    void aMissingKeyIsAnErrorNamingTheFullKeyAndCreatingItLaterStartsTheConnector() {
        String base = "/logcollect/it/" + Its.unique("missing");
        String name = Its.unique("missing-source");
        String topic = Its.unique("etcd-missing");
        Path file = Its.linesFile(Its.unique("late"), 5);

        HttpJson.Response refused = worker.rest().put("/connectors/" + name + "/config",
                Its.fileSource("${etcd:" + base + ":file}", topic));
        String error = refused.body() + " " + String.valueOf(worker.status(name));
        assertTrue(error.contains("etcd key " + base + "/file does not exist"), error);

        etcd.put(base + "/file", file.toString());
        if (!refused.ok()) {
            worker.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
        }
        worker.awaitRunning(name, 1, Duration.ofSeconds(60));
        Its.awaitLine(kafka, topic, tag(file) + "-4", Duration.ofSeconds(30));
        worker.deleteConnector(name);
    }

    @Test
    void aDeletedKeyStopsTheConnectorWithAnErrorNamingTheKeyAndPuttingItBackRestartsIt() {
        String base = "/logcollect/it/" + Its.unique("deleted");
        String name = Its.unique("deleted-source");
        String topic = Its.unique("etcd-deleted");
        Path file = Its.linesFile(Its.unique("gone"), 3);
        Path back = Its.linesFile(Its.unique("back"), 3);
        etcd.put(base + "/file", file.toString());
        worker.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
        worker.awaitRunning(name, 1, Duration.ofSeconds(60));
        Its.awaitLine(kafka, topic, tag(file) + "-2", Duration.ofSeconds(30));

        etcd.delete(base + "/file");
        // Connect cannot resolve the config at the restart: it logs the provider's error (and, a Connect
        // limitation, leaves the status at RESTARTING).
        String expected = "ConfigException: etcd key " + base + "/file does not exist";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && Its.countLines(worker.process().logFile(), expected) < 2) {
            Its.sleep(200);
        }
        assertEquals(2, Its.countLines(worker.process().logFile(), expected), "connector and task restart errors");
        assertFalse(Its.providerLogLines(worker.process().logFile()).stream().anyMatch(l -> l.contains(file.toString())),
                "the provider logged a value");

        etcd.put(base + "/file", back.toString());
        Its.awaitLine(kafka, topic, tag(back) + "-2", Duration.ofSeconds(30));
        worker.awaitRunning(name, 1, Duration.ofSeconds(30));
        assertEquals(2, rest.restarts(name), rest.requests().toString());
        worker.deleteConnector(name);
    }

    @Test
    void workersThatDoNotUseAKeyAreNotRestarted() {
        String base = "/logcollect/it/" + Its.unique("other");
        String used = Its.unique("used");
        String unrelated = Its.unique("unrelated");
        Path file = Its.linesFile(Its.unique("o"), 2);
        etcd.put(base + "/a", file.toString());
        etcd.put(base + "/b", file.toString());
        worker.putConnector(used, Its.fileSource("${etcd:" + base + ":a}", Its.unique("t")));
        worker.putConnector(unrelated, Its.fileSource("${etcd:" + base + ":b}", Its.unique("t")));
        worker.awaitRunning(used, 1, Duration.ofSeconds(60));
        worker.awaitRunning(unrelated, 1, Duration.ofSeconds(60));

        etcd.put(base + "/a", file.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && rest.restarts(used) == 0) {
            Its.sleep(100);
        }
        Its.sleep(2000);
        assertEquals(Map.of(used, 1L, unrelated, 0L), Map.of(used, rest.restarts(used), unrelated,
                rest.restarts(unrelated)));
        worker.deleteConnector(used);
        worker.deleteConnector(unrelated);
    }

    private static String tag(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".log".length());
    }
}
