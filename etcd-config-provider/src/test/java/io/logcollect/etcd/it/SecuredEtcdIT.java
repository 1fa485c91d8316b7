package io.logcollect.etcd.it;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestCertificates;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workers reading a secured etcd: user and password, mutual TLS, and wrong credentials. */
class SecuredEtcdIT {

    private static final String PASSWORD = "etcd-root-pw-7f3";

    @Test
    void userAndPasswordWorkAndWrongOnesGiveAClearError() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = EtcdServer.start(EtcdServer.Tls.NONE, PASSWORD);
        try (RestForwarder rest = new RestForwarder()) {
            String base = "/logcollect/it/" + Its.unique("auth");
            Path first = Its.linesFile(Its.unique("auth1"), 3);
            Path second = Its.linesFile(Its.unique("auth2"), 3);
            etcd.put(base + "/file", first.toString());
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"),
                    Its.params("endpoints", etcd.endpoint(), "username", EtcdServer.ROOT_USER, "password", PASSWORD,
                            "connect.rest.url", rest.url())).start();
            rest.target(worker.restUrl());
            String name = Its.unique("auth-source");
            String topic = Its.unique("etcd-auth");
            worker.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
            worker.awaitRunning(name, 1, Duration.ofSeconds(60));
            Its.awaitLine(kafka, topic, tag(first) + "-2", Duration.ofSeconds(30));
            etcd.put(base + "/file", second.toString());
            Its.awaitLine(kafka, topic, tag(second) + "-2", Duration.ofSeconds(30));
            assertFalse(Its.read(worker.process().logFile()).contains(PASSWORD), "the password is in the worker log");
            worker.stop();

            ConnectWorker wrong = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"),
                    Its.params("endpoints", etcd.endpoint(), "username", EtcdServer.ROOT_USER, "password", "not-it-42",
                            "connect.rest.url", rest.url())).start();
            HttpJson.Response refused = wrong.rest().put("/connectors/" + Its.unique("wrong") + "/config",
                    Its.fileSource("${etcd:" + base + ":file}", topic));
            assertFalse(refused.ok(), refused.body());
            assertTrue(refused.body().contains("etcd at " + etcd.endpoint() + " refused the credentials of user 'root'"),
                    refused.body());
            assertTrue(refused.body().contains("check the username and password"), refused.body());
            assertFalse(refused.body().contains("not-it-42"), refused.body());
            assertFalse(Its.read(wrong.process().logFile()).contains("not-it-42"), "the password is in the worker log");
            wrong.stop();
        } finally {
            etcd.stop();
        }
    }

    @Test
    void mutualTlsWithPemFiles() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = EtcdServer.start(EtcdServer.Tls.MUTUAL, null);
        TestCertificates certs = etcd.certificates();
        try (RestForwarder rest = new RestForwarder()) {
            String base = "/logcollect/it/" + Its.unique("tls");
            Path first = Its.linesFile(Its.unique("tls1"), 3);
            Path second = Its.linesFile(Its.unique("tls2"), 3);
            etcd.put(base + "/file", first.toString());
            Map<String, String> params = Its.params("endpoints", etcd.endpoint(),
                    "tls.ca.file", certs.caFile().toString(),
                    "tls.cert.file", certs.clientCertFile().toString(),
                    "tls.key.file", certs.clientKeyFile().toString(),
                    "connect.rest.url", rest.url());
            String name = Its.unique("tls-source");
            String topic = Its.unique("etcd-tls");
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"), params)
                    .connector(name, Its.fileSource("${etcd:" + base + ":file}", topic))
                    .start();
            rest.target(worker.restUrl());
            worker.awaitRunning(name, 1, Duration.ofSeconds(60));
            Its.awaitLine(kafka, topic, tag(first) + "-2", Duration.ofSeconds(30));
            etcd.put(base + "/file", second.toString());
            Its.awaitLine(kafka, topic, tag(second) + "-2", Duration.ofSeconds(30));
            worker.stop();
        } finally {
            etcd.stop();
        }
    }

    @Test
    void anUntrustedEtcdCertificateIsAConfigurationErrorNamedAtOnce() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = EtcdServer.start(EtcdServer.Tls.SERVER, null);
        TestCertificates otherCa = TestCertificates.create();
        try (RestForwarder rest = new RestForwarder()) {
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"),
                    Its.params("endpoints", etcd.endpoint(), "tls.ca.file", otherCa.caFile().toString(),
                            "connect.rest.url", rest.url(), "timeout.ms", "3000")).start();
            long started = System.nanoTime();
            HttpJson.Response refused = worker.rest().put("/connectors/" + Its.unique("untrusted") + "/config",
                    Its.fileSource("${etcd:/logcollect/it/untrusted:file}", Its.unique("untrusted")));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertFalse(refused.ok(), refused.body());
            assertTrue(refused.body().contains("the TLS handshake with etcd at " + etcd.endpoint() + " failed"),
                    refused.body());
            assertTrue(refused.body().contains("This is a configuration error, not an outage: check tls.ca.file"),
                    refused.body());
            assertTrue(seconds < 20, "the TLS error took " + seconds + " s");
            worker.stop();
        } finally {
            etcd.stop();
        }
    }

    @Test
    void restartsGoThroughAnHttpsRestApiWithBasicAuthentication() throws IOException {
        KafkaBroker kafka = TestServices.kafka();
        EtcdServer etcd = TestServices.etcd();
        TestCertificates certs = TestCertificates.create();
        String restPassword = "rest-pw-5c1";
        try (RestForwarder rest = new RestForwarder(certs.serverSslContext(), "restarter", restPassword)) {
            String base = "/logcollect/it/" + Its.unique("https");
            Path first = Its.linesFile(Its.unique("https1"), 3);
            Path second = Its.linesFile(Its.unique("https2"), 3);
            etcd.put(base + "/file", first.toString());
            ConnectWorker worker = Its.withProvider(ConnectWorker.standalone(kafka).heap("384m"),
                    Its.params("endpoints", etcd.endpoint(), "connect.rest.url", rest.url(),
                            "connect.rest.tls.ca.file", certs.caFile().toString(),
                            "connect.rest.username", "restarter", "connect.rest.password", restPassword)).start();
            rest.target(worker.restUrl());
            String name = Its.unique("https-source");
            String topic = Its.unique("etcd-https");
            worker.putConnector(name, Its.fileSource("${etcd:" + base + ":file}", topic));
            worker.awaitRunning(name, 1, Duration.ofSeconds(60));
            Its.awaitLine(kafka, topic, tag(first) + "-2", Duration.ofSeconds(30));
            etcd.put(base + "/file", second.toString());
            Its.awaitLine(kafka, topic, tag(second) + "-2", Duration.ofSeconds(30));
            assertTrue(rest.restarts(name) >= 1, rest.requests().toString());
            assertFalse(Its.read(worker.process().logFile()).contains(restPassword), "the password is in the log");
            worker.stop();
        }
    }

    private static String tag(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".log".length());
    }
}
