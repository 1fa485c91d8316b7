package io.logcollect.etcd.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How to reach an etcd cluster: endpoints, optional user and password, optional TLS files and the
 * per-request timeout. {@link #toString()} never shows the password.
 *
 * @param endpoints  the client URLs, all {@code http} or all {@code https}
 * @param username   the etcd user, or null without authentication
 * @param password   the user's password, or null
 * @param caFile     PEM file of the CA that signed the server certificate, or null for the JVM's trust store
 * @param certFile   PEM client certificate (chain) for mutual TLS, or null
 * @param keyFile    PEM private key of the client certificate (PKCS#8, or PKCS#1 RSA), or null
 * @param timeout    the limit of every request
 */
public record EtcdSettings(List<URI> endpoints, String username, String password, Path caFile, Path certFile,
                           Path keyFile, Duration timeout) {

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: at least one etcd endpoint is required,"
                    + " e.g. http://127.0.0.1:2379");
        }
        long tlsEndpoints = endpoints.stream().filter(u -> "https".equals(u.getScheme())).count();
        for (URI endpoint : endpoints) {
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                    || endpoint.getHost() == null || endpoint.getPort() < 0) {
                throw new IllegalArgumentException("endpoints: '" + endpoint
                        + "' is not an etcd client URL of the form http(s)://host:port");
            }
        }
        if (tlsEndpoints != 0 && tlsEndpoints != endpoints.size()) {
            throw new IllegalArgumentException("endpoints: mixes http and https URLs; use one scheme for all of "
                    + endpoints);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("tls.cert.file and tls.key.file go together: set both for mutual TLS,"
                    + " or neither");
        }
        if (tlsEndpoints == 0 && (caFile != null || certFile != null)) {
            throw new IllegalArgumentException("TLS files are set but the endpoints " + endpoints
                    + " use http: use https:// URLs for a TLS-secured etcd");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("password is set without username");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout.ms must be positive");
        }
    }

    /** The provider's parameter names, which every tool reading etcd also takes. */
    public static final List<String> PARAMETERS = List.of("endpoints", "username", "password", "tls.ca.file",
            "tls.cert.file", "tls.key.file", "timeout.ms");

    /**
     * Settings from parameters named as the provider's ({@link #PARAMETERS}); absent ones take the provider's
     * defaults (http://127.0.0.1:2379, no auth, no TLS, 5000 ms).
     */
    public static EtcdSettings fromParameters(java.util.Map<String, String> parameters) {
        String timeout = parameters.getOrDefault("timeout.ms", "5000").trim();
        if (!timeout.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("timeout.ms must be a number of milliseconds, not '" + timeout + "'");
        }
        return new EtcdSettings(parseEndpoints(parameters.getOrDefault("endpoints", "http://127.0.0.1:2379")),
                blankToNull(parameters.get("username")), blankToNull(parameters.get("password")),
                path(parameters.get("tls.ca.file")), path(parameters.get("tls.cert.file")),
                path(parameters.get("tls.key.file")), Duration.ofMillis(Long.parseLong(timeout)));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Parses a comma-separated list of endpoint URLs. */
    public static List<URI> parseEndpoints(String commaList) {
        if (commaList == null || commaList.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> {
                    try {
                        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("endpoints: '" + s
                                + "' is not an etcd client URL of the form http(s)://host:port");
                    }
                }).toList();
    }

    public boolean tls() {
        return "https".equals(endpoints.get(0).getScheme());
    }

    /** The endpoints as one comma-separated string, for messages. */
    public String endpointList() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return "EtcdSettings[endpoints=" + endpointList() + ", username=" + username
                + ", password=" + (password == null ? "(none)" : "[hidden]") + ", caFile=" + caFile
                + ", certFile=" + certFile + ", keyFile=" + keyFile + ", timeout=" + timeout.toMillis() + "ms]";
    }
}
