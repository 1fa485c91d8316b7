package io.logcollect.etcd.it;

import io.etcd.jetcd.Client;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Snapshot;
import io.logcollect.etcd.watch.KeyChange;
import io.logcollect.etcd.watch.KeyWatcher;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's etcd access and watches against real etcd servers: restarts, compaction, auth and TLS. */
class EtcdEngineIT {

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private final List<EtcdServer> servers = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        scheduler.shutdownNow();
        servers.forEach(EtcdServer::stop);
    }

    private EtcdServer etcd(EtcdServer.Tls tls, String rootPassword) {
        EtcdServer server = EtcdServer.start(tls, rootPassword);
        servers.add(server);
        return server;
    }

    private EtcdStore store(EtcdServer server, String user, String password, Path ca, Path cert, Path key) {
        EtcdStore store = new EtcdStore(new EtcdSettings(List.of(URI.create(server.endpoint())), user, password, ca,
                cert, key, Duration.ofSeconds(5)));
        closeLater.add(store);
        return store;
    }

    @Test
    void aWatchResumesAfterEtcdRestartsWithoutMissingOrRepeatingARevision() throws Exception {
        EtcdServer server = etcd(EtcdServer.Tls.NONE, null);
        EtcdStore store = store(server, null, null, null, null, null);
        String key = "/logcollect/it/watch/" + Its.unique("k");
        server.put(key, "v0");
        Snapshot snapshot = store.read(List.of(key));
        BlockingQueue<KeyChange> changes = new LinkedBlockingQueue<>();
        KeyWatcher watcher = new KeyWatcher(store, scheduler, changes::add);
        closeLater.add(0, watcher);
        watcher.watch(key, snapshot.revision(), snapshot.values().get(key).modRevision());
        server.put(key, "v1");
        assertEquals("v1", changes.poll(10, TimeUnit.SECONDS).value());

        for (int round = 0; round < 2; round++) {
            server.kill();
            Its.sleep(1000);
            server.startProcess();
            server.put(key, "r" + round + "-a");
            server.delete(key);
            server.put(key, "r" + round + "-b");
            KeyChange a = changes.poll(15, TimeUnit.SECONDS);
            KeyChange deleted = changes.poll(5, TimeUnit.SECONDS);
            KeyChange b = changes.poll(5, TimeUnit.SECONDS);
            assertEquals("r" + round + "-a", a.value());
            assertTrue(deleted.deleted(), String.valueOf(deleted));
            assertEquals("r" + round + "-b", b.value());
            assertTrue(a.revision() < deleted.revision() && deleted.revision() < b.revision());
        }
        assertNull(changes.poll(1, TimeUnit.SECONDS), "a change was reported twice");
    }

    @Test
    void afterACompactionTheKeyIsReadAgainAndItsChangeReportedOnce() throws Exception {
        EtcdServer server = etcd(EtcdServer.Tls.NONE, null);
        EtcdStore store = store(server, null, null, null, null, null);
        String key = "/logcollect/it/compact/" + Its.unique("k");
        server.put(key, "old");
        Snapshot old = store.read(List.of(key));
        server.put(key, "new-1");
        server.put(key, "new-2");
        server.put("/logcollect/it/compact/other", "x");
        try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
            long current = client.getKVClient().get(EtcdStore.bytes(key)).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            client.getKVClient().compact(current).get(5, TimeUnit.SECONDS);
        }
        BlockingQueue<KeyChange> changes = new LinkedBlockingQueue<>();
        KeyWatcher watcher = new KeyWatcher(store, scheduler, changes::add);
        closeLater.add(0, watcher);
        watcher.watch(key, old.revision(), old.values().get(key).modRevision());
        KeyChange change = changes.poll(15, TimeUnit.SECONDS);
        assertEquals("new-2", change.value());
        server.put(key, "new-3");
        assertEquals("new-3", changes.poll(10, TimeUnit.SECONDS).value());
        assertNull(changes.poll(1, TimeUnit.SECONDS));
    }

    @Test
    void wrongCredentialsAreRefusedClearlyAndWithoutThePassword() {
        EtcdServer server = etcd(EtcdServer.Tls.NONE, "right-secret");
        server.put("/logcollect/it/auth", "v");
        assertEquals("v", store(server, "root", "right-secret", null, null, null).read(List.of("/logcollect/it/auth"))
                .values().get("/logcollect/it/auth").value());
        EtcdAccessException e = assertThrows(EtcdAccessException.class,
                () -> store(server, "root", "wrong-secret", null, null, null).read(List.of("/logcollect/it/auth")));
        System.out.println("wrong password: " + e.getMessage());
        assertTrue(e.getMessage().contains("refused the credentials of user 'root'"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
        assertFalse(e.unreachable());
    }

    @Test
    void tlsErrorsSurfaceWithinSecondsAndPkcs1KeysWork() throws Exception {
        EtcdServer server = etcd(EtcdServer.Tls.MUTUAL, null);
        TestCertificates certs = server.certificates();
        server.put("/logcollect/it/tls", "secured");

        Path pkcs1 = certs.directory().resolve("client-pkcs1.key");
        ServiceProcess.runOnce("openssl-rsa", List.of("openssl", "rsa", "-in", certs.clientKeyFile().toString(),
                "-out", pkcs1.toString(), "-traditional"), Map.of(), certs.directory(), Duration.ofSeconds(30));
        assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
        for (Path key : List.of(certs.clientKeyFile(), pkcs1)) {
            Snapshot snapshot = store(server, null, null, certs.caFile(), certs.clientCertFile(), key)
                    .read(List.of("/logcollect/it/tls"));
            assertEquals("secured", snapshot.values().get("/logcollect/it/tls").value());
        }

        TestCertificates otherCa = TestCertificates.create();
        long start = System.nanoTime();
        EtcdAccessException untrusted = assertThrows(EtcdAccessException.class, () -> store(server, null, null,
                otherCa.caFile(), certs.clientCertFile(), certs.clientKeyFile()).read(List.of("/logcollect/it/tls")));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("untrusted server: " + untrusted.getMessage());
        assertTrue(untrusted.getMessage().contains("TLS handshake with etcd at " + server.endpoint() + " failed"),
                untrusted.getMessage());
        assertTrue(untrusted.getMessage().contains("caused by PKIX path validation failed"), untrusted.getMessage());
        assertFalse(untrusted.getMessage().contains("\n"), untrusted.getMessage());
        assertTrue(tookMs < 4000, "the TLS error took " + tookMs + " ms");

        start = System.nanoTime();
        EtcdAccessException noClientCertificate = assertThrows(EtcdAccessException.class,
                () -> store(server, null, null, certs.caFile(), null, null).read(List.of("/logcollect/it/tls")));
        tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("no client certificate: " + noClientCertificate.getMessage());
        assertTrue(noClientCertificate.getMessage().contains(server.endpoint()), noClientCertificate.getMessage());
        assertTrue(tookMs < 4000, "the missing client certificate error took " + tookMs + " ms");
    }
}
