package io.logcollect.testkit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.netty.GrpcSslContexts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtcdServerIT {

    @Test
    void putWatchAndRestartWithData() throws Exception {
        EtcdServer etcd = TestServices.etcd();
        try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            long revision = client.getKVClient().get(bytes("/kit/smoke")).get(5, TimeUnit.SECONDS)
                    .getHeader().getRevision();
            // From the next revision on, so a put made while the watch is being set up is not missed.
            WatchOption fromNext = WatchOption.builder().withRevision(revision + 1).build();
            try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("/kit/smoke"), fromNext, response ->
                    response.getEvents().stream().filter(e -> e.getEventType() == WatchEvent.EventType.PUT)
                            .forEach(e -> seen.add(e.getKeyValue().getValue().toString(StandardCharsets.UTF_8))))) {
                etcd.put("/kit/smoke", "first");
                assertEquals("first", seen.poll(10, TimeUnit.SECONDS));
                client.getKVClient().put(bytes("/kit/smoke"), bytes("second")).get(5, TimeUnit.SECONDS);
                assertEquals("second", seen.poll(10, TimeUnit.SECONDS));
            }
        }
        etcd.stop();
        etcd.startProcess();
        assertEquals("second", etcd.get("/kit/smoke"));
    }

    @Test
    void authenticationAcceptsTheRightPasswordOnly() throws Exception {
        EtcdServer etcd = EtcdServer.start(EtcdServer.Tls.NONE, "kit-secret");
        etcd.put("/kit/auth", "value");
        try (Client client = Client.builder().endpoints(etcd.endpoint()).user(bytes(EtcdServer.ROOT_USER))
                .password(bytes("kit-secret")).build()) {
            assertEquals("value", client.getKVClient().get(bytes("/kit/auth")).get(10, TimeUnit.SECONDS)
                    .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
        }
        try (Client client = Client.builder().endpoints(etcd.endpoint()).user(bytes(EtcdServer.ROOT_USER))
                .password(bytes("wrong")).build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.getKVClient().get(bytes("/kit/auth")).get(10, TimeUnit.SECONDS));
            assertTrue(String.valueOf(e.getCause()).contains("UNAUTHENTICATED"), String.valueOf(e.getCause()));
        }
        etcd.stop();
    }

    @Test
    void mutualTlsServesClientsWithACertificate() throws Exception {
        EtcdServer etcd = EtcdServer.start(EtcdServer.Tls.MUTUAL, null);
        TestCertificates certs = etcd.certificates();
        etcd.put("/kit/tls", "secured");
        try (Client client = Client.builder().endpoints(etcd.endpoint())
                .sslContext(GrpcSslContexts.forClient().trustManager(certs.caFile().toFile())
                        .keyManager(certs.clientCertFile().toFile(), certs.clientKeyFile().toFile()).build())
                .build()) {
            assertEquals("secured", client.getKVClient().get(bytes("/kit/tls")).get(10, TimeUnit.SECONDS)
                    .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
        }
        etcd.kill();
        etcd.startProcess();
        assertEquals("secured", etcd.get("/kit/tls"));
        etcd.stop();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
