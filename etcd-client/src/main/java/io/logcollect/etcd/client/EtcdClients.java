package io.logcollect.etcd.client;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLException;

/** Builds jetcd clients from {@link EtcdSettings}, set up to fail fast instead of hanging. */
public final class EtcdClients {

    private EtcdClients() {
    }

    /**
     * A client for the settings. Calls do not wait for a ready connection (jetcd's {@code waitForReady} default
     * hides refused connections and TLS handshake failures until the deadline), so an unreachable or misconfigured
     * etcd answers with its reason at once; a failed call is retried once on another endpoint.
     */
    public static Client build(EtcdSettings settings) {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(settings.timeout())
                .waitForReady(false)
                .retryMaxAttempts(2)
                .retryDelay(100)
                .retryMaxDelay(1000)
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryMaxDuration(settings.timeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5));
        if (settings.username() != null) {
            builder.user(ByteSequence.from(settings.username(), StandardCharsets.UTF_8));
            builder.password(ByteSequence.from(settings.password() == null ? "" : settings.password(),
                    StandardCharsets.UTF_8));
        }
        if (settings.tls()) {
            builder.sslContext(sslContext(settings));
        }
        return builder.build();
    }

    /** The TLS context: the CA of {@code tls.ca.file} (else the JVM's), and the client certificate when set. */
    public static SslContext sslContext(EtcdSettings settings) {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (settings.caFile() != null) {
            builder.trustManager(PemFiles.certificates(settings.caFile(), "tls.ca.file"));
        }
        if (settings.certFile() != null) {
            builder.keyManager(PemFiles.privateKey(settings.keyFile()),
                    PemFiles.certificates(settings.certFile(), "tls.cert.file"));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS for etcd from tls.ca.file=" + settings.caFile()
                    + ", tls.cert.file=" + settings.certFile() + ", tls.key.file=" + settings.keyFile() + ": "
                    + e.getMessage(), e);
        }
    }
}
