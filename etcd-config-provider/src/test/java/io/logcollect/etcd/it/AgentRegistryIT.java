package io.logcollect.etcd.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent registry (DESIGN.md section 9) of a real worker in a real etcd of its own: the key appears within
 * seconds of the worker's start with the revision it served and the worker's own tasks with their states, comes
 * back within a renewal when deleted, follows a policy change, outlives an etcd restart, and is gone within its
 * lease after {@code kill -9} of the worker.
 */
class AgentRegistryIT {

    private static JsonNode awaitRegistration(EtcdServer etcd, String key, Duration timeout, Predicate<JsonNode> done)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String value = null;
        while (System.nanoTime() < deadline) {
            value = etcd.get(key);
            if (value != null && done.test(HttpJson.MAPPER.readTree(value))) {
                return HttpJson.MAPPER.readTree(value);
            }
            ServiceProcess.sleep(100);
        }
        throw new AssertionError("registration " + key + " never got there within " + timeout.toSeconds() + " s: "
                + value);
    }

    @Test
    void aWorkerIsListedWithWhatItAppliedSurvivesAnEtcdRestartAndGoesWithItsLease() throws Exception {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = EtcdServer.start();
        try (RestForwarder rest = new RestForwarder()) {
            String id = Its.unique("registered");
            String key = "/logcollect/agents/" + id;
            String base = "/logcollect/it/" + Its.unique("registry");
            Path first = Its.linesFile(Its.unique("reg1"), 3);
            Path second = Its.linesFile(Its.unique("reg2"), 3);
            etcd.put(base + "/file", first.toString());
            String name = Its.unique("registry-source");
            long starting = System.nanoTime();
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"),
                    Its.params("endpoints", etcd.endpoint(), "connect.rest.url", rest.url(),
                            "registry.worker.id", id, "registry.ttl.seconds", "6", "restart.debounce.ms", "200"))
                    .connector(name, Its.fileSource("${etcd:" + base + ":file}", Its.unique("registry")))
                    .start();
            rest.target(worker.restUrl());
            JsonNode registered = awaitRegistration(etcd, key, Duration.ofSeconds(20),
                    r -> r.path("keys").has(base + "/file"));
            System.out.printf("registered %.1f s after the worker's process started%n",
                    (System.nanoTime() - starting) / 1e9);
            assertEquals(id, registered.path("id").asText());
            assertEquals("agent", registered.path("role").asText());
            assertEquals(rest.url(), registered.path("rest_url").asText());
            long firstRevision = registered.at("/keys/" + base.replace("/", "~1") + "~1file/mod_revision").asLong();
            assertTrue(firstRevision > 0, registered.toString());
            JsonNode withTasks = awaitRegistration(etcd, key, Duration.ofSeconds(10),
                    r -> r.path("tasks").toString().contains("\"connector\":\"" + name + "\",\"task\":0,"
                            + "\"state\":\"RUNNING\""));
            assertTrue(withTasks.path("updated").isTextual(), withTasks.toString());

            etcd.delete(key);
            long deleted = System.nanoTime();
            awaitRegistration(etcd, key, Duration.ofSeconds(5), r -> r.path("keys").has(base + "/file"));
            System.out.printf("a deleted registration was back %.1f s later (renewal every 2 s)%n",
                    (System.nanoTime() - deleted) / 1e9);

            etcd.put(base + "/file", second.toString());
            long changed = System.nanoTime();
            JsonNode applied = awaitRegistration(etcd, key, Duration.ofSeconds(5),
                    r -> r.at("/keys/" + base.replace("/", "~1") + "~1file/mod_revision").asLong() > firstRevision);
            System.out.printf("new revision registered %.1f s after the change%n", (System.nanoTime() - changed) / 1e9);
            assertNotNull(applied);

            etcd.stop();
            ServiceProcess.sleep(8000);
            etcd.startProcess();
            awaitRegistration(etcd, key, Duration.ofSeconds(15), r -> r.path("keys").has(base + "/file"));

            worker.kill();
            long killed = System.nanoTime();
            while (etcd.get(key) != null && System.nanoTime() - killed < Duration.ofSeconds(15).toNanos()) {
                ServiceProcess.sleep(200);
            }
            double gone = (System.nanoTime() - killed) / 1e9;
            assertEquals(null, etcd.get(key), "the registration outlived its lease");
            System.out.printf("registration gone %.1f s after kill -9 (lease 6 s)%n", gone);
        } finally {
            etcd.stop();
        }
    }
}
