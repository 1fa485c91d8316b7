package io.logcollect.etcd.it;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent (standalone worker) through etcd outages: changes made after etcd comes back are applied, the
 * worker restarts from its local cache while etcd is down, and a change it missed meanwhile is applied as soon
 * as etcd answers again.
 */
class EtcdOutageIT {

    @Test
    void changesSurviveEtcdRestartsAndTheWorkerStartsFromItsCacheWhileEtcdIsDown() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = EtcdServer.start();
        Path cache = Workspace.newDirectory("etcd-cache");
        String key = "/logcollect/it/" + Its.unique("outage") + "/file";
        String variable = "${etcd:" + key.substring(0, key.lastIndexOf('/')) + ":file}";
        String name = Its.unique("agent-source");
        String topic = Its.unique("etcd-outage");
        Path a = Its.linesFile(Its.unique("a"), 5);
        Path b = Its.linesFile(Its.unique("b"), 5);
        Path c = Its.linesFile(Its.unique("c"), 5);
        Path d = Its.linesFile(Its.unique("d"), 5);
        etcd.put(key, a.toString());

        try (RestForwarder rest = new RestForwarder()) {
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("512m"),
                    Its.params("endpoints", etcd.endpoint(), "connect.rest.url", rest.url(),
                            "cache.dir", cache.toString()))
                    .connector(name, Its.fileSource(variable, topic))
                    .start();
            rest.target(worker.restUrl());
            worker.awaitRunning(name, 1, Duration.ofSeconds(60));
            Its.awaitLine(kafka, topic, tag(a) + "-4", Duration.ofSeconds(30));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cache.resolve("etcd-values.json"))));

            // etcd killed and restarted under the running worker: the next change is applied.
            etcd.kill();
            Its.sleep(2000);
            etcd.startProcess();
            etcd.put(key, b.toString());
            Duration took = Its.awaitLine(kafka, topic, tag(b) + "-4", Duration.ofSeconds(30));
            System.out.println("change after an etcd restart applied within " + took.toMillis() + " ms");
            assertTrue(Its.countLines(worker.process().logFile(), "Watch of etcd key " + key + " interrupted") >= 1);
            assertTrue(Its.countLines(worker.process().logFile(), "Watch of etcd key " + key + " resumed") >= 1);

            // The worker stops; the key changes while no one watches; etcd goes down; the worker starts again.
            worker.stop();
            etcd.put(key, c.toString());
            etcd.kill();
            rest.target(null);
            worker.startProcess();
            rest.target(worker.restUrl());
            worker.awaitRunning(name, 1, Duration.ofSeconds(60));
            Its.append(b, tag(b), 5, 10);
            Its.awaitLine(kafka, topic, tag(b) + "-9", Duration.ofSeconds(30));
            assertTrue(Its.countLines(worker.process().logFile(), "serving etcd key " + key + " from the local cache")
                    >= 1, "no log line says the value came from the cache");

            // etcd is back: the change made while the worker was down is applied, then later ones as usual.
            etcd.startProcess();
            took = Its.awaitLine(kafka, topic, tag(c) + "-4", Duration.ofSeconds(30));
            System.out.println("change missed during the outage applied " + took.toMillis() + " ms after etcd came back");
            etcd.put(key, d.toString());
            took = Its.awaitLine(kafka, topic, tag(d) + "-4", Duration.ofSeconds(30));
            assertTrue(took.toMillis() < 5000, "change applied only after " + took.toMillis() + " ms");
            worker.awaitRunning(name, 1, Duration.ofSeconds(30));
            assertFalse(Its.providerLogLines(worker.process().logFile()).stream()
                    .anyMatch(l -> l.contains(tag(a)) || l.contains(tag(b)) || l.contains(tag(c)) || l.contains(tag(d))),
                    "the provider logged a value");
            worker.stop();
        } finally {
            etcd.stop();
        }
    }

    @Test
    void withoutACacheTheErrorNamesTheEndpointsTried() throws IOException {
        EtcdServer etcd = EtcdServer.start();
        String base = "/logcollect/it/" + Its.unique("nocache");
        etcd.put(base + "/file", "/tmp/x");
        String endpoint = etcd.endpoint();
        etcd.kill();
        try (RestForwarder rest = new RestForwarder()) {
            ConnectWorker worker = Its.withProvider(ConnectWorker.distributed(TestServices.kafka()).heap("384m"),
                    Its.params("endpoints", endpoint + ",http://127.0.0.1:9", "connect.rest.url", rest.url())).start();
            var refused = worker.rest().put("/connectors/" + Its.unique("nocache") + "/config",
                    Its.fileSource("${etcd:" + base + ":file}", Its.unique("t")));
            String message = refused.body();
            assertFalse(refused.ok(), message);
            assertTrue(message.contains("no etcd endpoint reachable (tried " + endpoint + ",http://127.0.0.1:9)"),
                    message);
            assertTrue(message.contains("no cache.dir is set"), message);
            worker.stop();
        }
    }

    private static String tag(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".log".length());
    }
}
