package io.logcollect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority with a server certificate for 127.0.0.1/localhost and a client
 * certificate, as PEM (keys in PKCS#8) plus PKCS#12 and a JKS truststore for Java clients. Made with openssl.
 */
public final class TestCertificates {

    public static final String STORE_PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create() {
        Path dir = Workspace.newDirectory("certs");
        TestCertificates certs = new TestCertificates(dir);
        certs.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj", "/CN=logcollect test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        certs.issue("server", "/CN=127.0.0.1",
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        certs.issue("client", "/CN=logcollect-client", "extendedKeyUsage=clientAuth\n");
        certs.openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-name", "client",
                "-out", "client.p12", "-passout", "pass:" + STORE_PASSWORD);
        certs.openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-name", "server",
                "-out", "server.p12", "-passout", "pass:" + STORE_PASSWORD);
        certs.writeTruststore();
        return certs;
    }

    private void issue(String name, String subject, String extensions) {
        try {
            Files.writeString(dir.resolve(name + ".ext"), extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "3", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ServiceProcess.runOnce("openssl-" + args[0], command, Map.of(), dir, Duration.ofSeconds(60));
    }

    private void writeTruststore() {
        try (InputStream in = Files.newInputStream(caFile())) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setCertificateEntry("logcollect-test-ca", ca);
            try (var out = Files.newOutputStream(truststoreFile())) {
                store.store(out, STORE_PASSWORD.toCharArray());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the test truststore", e);
        }
    }

    public Path directory() {
        return dir;
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path serverCertFile() {
        return dir.resolve("server.pem");
    }

    public Path serverKeyFile() {
        return dir.resolve("server.key");
    }

    public Path clientCertFile() {
        return dir.resolve("client.pem");
    }

    public Path clientKeyFile() {
        return dir.resolve("client.key");
    }

    /** The client certificate and key as PKCS#12, password {@link #STORE_PASSWORD}. */
    public Path clientKeystoreFile() {
        return dir.resolve("client.p12");
    }

    /** The server certificate (127.0.0.1, localhost) and key as PKCS#12, password {@link #STORE_PASSWORD}. */
    public Path serverKeystoreFile() {
        return dir.resolve("server.p12");
    }

    /** A JKS truststore holding the CA, password {@link #STORE_PASSWORD}. */
    public Path truststoreFile() {
        return dir.resolve("truststore.jks");
    }

    /** An SSL context for a server on 127.0.0.1 that presents the server certificate. */
    public SSLContext serverSslContext() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(serverKeystoreFile())) {
                keys.load(in, STORE_PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a server SSL context from the test certificates", e);
        }
    }

    /** An SSL context that trusts the CA and, when {@code withClientCertificate}, presents the client certificate. */
    public SSLContext sslContext(boolean withClientCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("JKS");
            try (InputStream in = Files.newInputStream(truststoreFile())) {
                trust.load(in, STORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (withClientCertificate) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(clientKeystoreFile())) {
                    keys.load(in, STORE_PASSWORD.toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, STORE_PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSL context from the test certificates", e);
        }
    }
}
