package io.logcollect.etcd.it;

import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three distributed workers of one Connect cluster, each with the provider watching the key: a change restarts
 * the connector and its task once, not three times.
 */
class ThreeWorkersIT {

    @Test
    void aChangeRestartsTheConnectorOncePerClusterNotOncePerWorker() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = TestServices.etcd();
        String group = Its.unique("three");
        String base = "/logcollect/it/" + Its.unique("cluster");
        String name = Its.unique("cluster-source");
        String topic = Its.unique("etcd-cluster");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(Its.linesFile(Its.unique("gen" + i), 5));
        }
        etcd.put(base + "/file", files.get(0).toString());

        List<ConnectWorker> workers = new ArrayList<>();
        List<RestForwarder> forwarders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RestForwarder forwarder = new RestForwarder();
                forwarders.add(forwarder);
                ConnectWorker worker = Its.withProvider(ConnectWorker.distributed(kafka).groupId(group).heap("384m"),
                        Its.params("endpoints", etcd.endpoint(), "connect.rest.url", forwarder.url())).start();
                forwarder.target(worker.restUrl());
                workers.add(worker);
            }
            ConnectWorker first = workers.get(0);
            first.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
            first.awaitRunning(name, 1, Duration.ofSeconds(90));
            Its.awaitLine(kafka, topic, tag(files.get(0)) + "-4", Duration.ofSeconds(60));
            // Validating the config on every worker makes each resolve the key, so each watches it.
            Map<String, String> config = new HashMap<>(Its.fileSource("${etcd:" + base + ":file}", topic));
            config.put("name", name);
            for (ConnectWorker worker : workers) {
                worker.rest().put("/connector-plugins/FileStreamSourceConnector/config/validate", config).expectOk();
            }
            Its.sleep(1000);
            long connectorStartsBefore = count(workers, "Creating connector " + name + " of type");
            long taskStartsBefore = count(workers, "Creating task " + name + "-0");

            for (int change = 1; change <= 3; change++) {
                etcd.put(base + "/file", files.get(change).toString());
                Duration took = Its.awaitLine(kafka, topic, tag(files.get(change)) + "-4", Duration.ofSeconds(30));
                System.out.println("change " + change + " applied within " + took.toMillis() + " ms");
                Its.sleep(3000);
                long watching = workers.stream().filter(w -> Its.countLines(w.process().logFile(),
                        "etcd key " + base + "/file was changed") >= 1).count();
                assertEquals(3, watching, "workers that saw the change");
                long restartCalls = forwarders.stream().mapToLong(f -> f.restarts(name)).sum();
                assertEquals(change, restartCalls, "restart requests after change " + change);
                assertEquals(connectorStartsBefore + change, count(workers, "Creating connector " + name + " of type"),
                        "connector starts after change " + change);
                // Each worker logs every restart request of the cluster once: three lines per request.
                assertEquals(3L * change, count(workers, "Received and enqueuing restart request for {connectorName='"
                        + name + "'"), "restart requests seen by the workers after change " + change);
                // The task runs with the new value (its lines arrived). Connect itself may restart it once more
                // when it republishes the task configs after a connector restart (KAFKA-9228's fix), so task
                // starts are between one and two per change, never three.
                long taskStarts = count(workers, "Creating task " + name + "-0") - taskStartsBefore;
                assertTrue(taskStarts >= change && taskStarts <= 2L * change, "task starts after change " + change
                        + ": " + taskStarts);
                assertEquals(2L * change, count(workers, "another worker of the Connect cluster restarts it"));
            }
            first.awaitRunning(name, 1, Duration.ofSeconds(30));
            try (EtcdStore store = new EtcdStore(new EtcdSettings(List.of(URI.create(etcd.endpoint())), null, null,
                    null, null, null, Duration.ofSeconds(5)))) {
                long claims = store.keys("/logcollect/restart-claims/").stream()
                        .filter(k -> k.contains("/" + name + "/")).count();
                assertEquals(3, claims, "one restart claim per change");
            }
            first.deleteConnector(name);
        } finally {
            workers.forEach(ConnectWorker::stop);
            forwarders.forEach(RestForwarder::close);
        }
    }

    private static long count(List<ConnectWorker> workers, String text) {
        return workers.stream().mapToLong(w -> Its.countLines(w.process().logFile(), text)).sum();
    }

    private static String tag(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".log".length());
    }
}
