package io.logcollect.search.client;

import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the low-level REST client: failover over several URLs, authentication, TLS, gzip, timeouts. */
public final class SearchClients {

    private SearchClients() {
    }

    public static RestClient create(ConnectionSettings settings) {
        List<HttpHost> hosts = new ArrayList<>();
        for (String url : settings.urls()) {
            URI uri = URI.create(url.trim());
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            hosts.add(new HttpHost(uri.getHost(), port, uri.getScheme()));
        }
        SSLContext sslContext = sslContext(settings);
        RestClientBuilder builder = RestClient.builder(hosts.toArray(HttpHost[]::new))
                .setCompressionEnabled(settings.compression())
                .setMetaHeaderEnabled(false)
                .setRequestConfigCallback(request -> request
                        .setConnectTimeout(settings.connectTimeoutMillis())
                        .setSocketTimeout(settings.readTimeoutMillis())
                        .setConnectionRequestTimeout(settings.readTimeoutMillis()))
                .setHttpClientConfigCallback(http -> {
                    http.setMaxConnPerRoute(settings.maxConnections()).setMaxConnTotal(settings.maxConnections() * hosts.size());
                    if (sslContext != null) {
                        http.setSSLContext(sslContext);
                    }
                    if (!settings.hostnameVerification()) {
                        http.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
                    }
                    return http;
                });
        Header authorization = authorization(settings);
        if (authorization != null) {
            builder.setDefaultHeaders(new Header[] {authorization});
        }
        if (settings.pathPrefix() != null && !settings.pathPrefix().isBlank()) {
            builder.setPathPrefix(settings.pathPrefix());
        }
        return builder.build();
    }

    /** A preemptive Authorization header: saves the 401 round trip of challenge-based authentication. */
    static Header authorization(ConnectionSettings settings) {
        if (settings.apiKey() != null && settings.apiKey().length > 0) {
            return new BasicHeader("Authorization", "ApiKey " + new String(settings.apiKey()));
        }
        if (settings.username() != null) {
            char[] password = settings.password() == null ? new char[0] : settings.password();
            CharBuffer chars = CharBuffer.allocate(settings.username().length() + 1 + password.length);
            chars.put(settings.username()).put(':').put(password).flip();
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(chars);
            byte[] raw = Arrays.copyOf(bytes.array(), bytes.limit());
            String encoded = Base64.getEncoder().encodeToString(raw);
            Arrays.fill(raw, (byte) 0);
            return new BasicHeader("Authorization", "Basic " + encoded);
        }
        return null;
    }

    static SSLContext sslContext(ConnectionSettings settings) {
        if (settings.truststoreLocation() == null && settings.keystoreLocation() == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (settings.truststoreLocation() != null) {
                KeyStore store = load(settings.truststoreLocation(), settings.truststoreType(),
                        settings.truststorePassword(), "truststore");
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            KeyManagerFactory keys = null;
            if (settings.keystoreLocation() != null) {
                KeyStore store = load(settings.keystoreLocation(), settings.keystoreType(),
                        settings.keystorePassword(), "keystore");
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = settings.keyPassword() != null ? settings.keyPassword() : settings.keystorePassword();
                keys.init(store, keyPassword == null ? new char[0] : keyPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, String type, char[] password, String what) {
        Path path = Path.of(location);
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type == null ? "JKS" : type);
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the " + what + " " + path + " (type " + type + "): "
                    + e.getMessage() + " - check its location, type and password", e);
        }
    }
}
