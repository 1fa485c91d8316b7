package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An etcd server from Debian's {@code etcd-server} package: a one-member cluster, optionally with user/password
 * authentication and with TLS (server, or mutual), or a member of an {@link EtcdCluster}.
 */
public final class EtcdServer {

    /** How the server is secured. */
    public enum Tls { NONE, SERVER, MUTUAL }

    public static final String ROOT_USER = "root";

    private final Path dir;
    private final int clientPort;
    private final Tls tls;
    private final TestCertificates certificates;
    private final String rootPassword;
    private final ServiceProcess process;
    private final HttpJson http;

    private EtcdServer(Tls tls, String rootPassword) {
        this("kit", Ports.free(), Ports.free(), null, tls, rootPassword);
    }

    /**
     * @param initialCluster every member as {@code name=peerUrl}, comma-separated; null for a one-member cluster
     */
    private EtcdServer(String name, int clientPort, int peerPort, String initialCluster, Tls tls,
                       String rootPassword) {
        this.dir = Workspace.newDirectory(initialCluster == null ? "etcd" : name);
        this.clientPort = clientPort;
        this.tls = tls;
        this.rootPassword = rootPassword;
        this.certificates = tls == Tls.NONE ? null : TestCertificates.create();
        String scheme = tls == Tls.NONE ? "http" : "https";
        String clientUrl = scheme + "://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(binary().toString(),
                "--name", name,
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster == null ? name + "=" + peerUrl : initialCluster,
                "--heartbeat-interval=20",
                "--election-timeout=200",
                "--logger=zap",
                "--log-outputs=stderr"));
        if (certificates != null) {
            command.addAll(List.of("--cert-file", certificates.serverCertFile().toString(),
                    "--key-file", certificates.serverKeyFile().toString()));
            if (tls == Tls.MUTUAL) {
                command.addAll(List.of("--client-cert-auth", "--trusted-ca-file", certificates.caFile().toString()));
            }
        }
        this.process = new ServiceProcess("etcd", command, Map.of(), dir);
        this.http = new HttpJson(clientUrl, null, null,
                certificates == null ? null : certificates.sslContext(tls == Tls.MUTUAL));
    }

    /** A plain member of a cluster, not started: all members must start together to elect a leader. */
    static EtcdServer member(String name, int clientPort, int peerPort, String initialCluster) {
        return new EtcdServer(name, clientPort, peerPort, initialCluster, Tls.NONE, null);
    }

    /** A plain etcd server on free ports. */
    public static EtcdServer start() {
        return start(Tls.NONE, null);
    }

    /**
     * An etcd server with the given TLS mode; with a root password, authentication is enabled and user
     * {@value #ROOT_USER} holds the root role.
     */
    public static EtcdServer start(Tls tls, String rootPassword) {
        EtcdServer server = new EtcdServer(tls, rootPassword);
        server.startProcess();
        if (rootPassword != null) {
            server.http.post("/v3/auth/role/add", Map.of("name", "root")).expectOk();
            server.http.post("/v3/auth/user/add", Map.of("name", ROOT_USER, "password", rootPassword)).expectOk();
            server.http.post("/v3/auth/user/grant", Map.of("user", ROOT_USER, "role", "root")).expectOk();
            server.http.post("/v3/auth/enable", Map.of()).expectOk();
        }
        return server;
    }

    static Path binary() {
        Stream<Path> candidates = Stream.concat(Stream.of(Path.of("/usr/bin/etcd")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .filter(s -> !s.isEmpty()).map(d -> Path.of(d, "etcd")));
        return candidates.filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "etcd not found: apt-get install -y etcd-server (or put an etcd 3.4+ binary on PATH)"));
    }

    /** Starts etcd again after {@link #stop()} or {@link #kill()}, with its data and ports. */
    public void startProcess() {
        process.start(Duration.ofSeconds(30), () -> http.answers("/version") && leaderElected());
    }

    private boolean leaderElected() {
        try {
            return !status().path("leader").asText("0").equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** This member's status: {@code header.member_id}, {@code leader} (ids as decimal strings), ... */
    JsonNode status() {
        return http.post("/v3/maintenance/status", Map.of()).expectOk();
    }

    public void stop() {
        process.stop();
    }

    public void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return http.baseUrl();
    }

    public Tls tls() {
        return tls;
    }

    /** The certificates of a TLS server; null without TLS. */
    public TestCertificates certificates() {
        return certificates;
    }

    public String rootPassword() {
        return rootPassword;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Puts a key through the JSON gateway, as the root user when authentication is on; returns the revision the
     * put created (the key's new {@code mod_revision}).
     */
    public long put(String key, String value) {
        return gateway("/v3/kv/put", Map.of("key", base64(key), "value", base64(value))).at("/header/revision")
                .asLong();
    }

    /** Every key under {@code prefix} with its value, in key order. */
    public Map<String, String> getPrefix(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        Map<String, String> values = new TreeMap<>();
        for (JsonNode kv : gateway("/v3/kv/range", Map.of("key", base64(prefix),
                "range_end", Base64.getEncoder().encodeToString(end))).path("kvs")) {
            values.put(decode(kv.path("key").asText()), decode(kv.path("value").asText()));
        }
        return values;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The value of a key, or null when it does not exist. */
    public String get(String key) {
        var kvs = gateway("/v3/kv/range", Map.of("key", base64(key))).path("kvs");
        return kvs.isEmpty() ? null : decode(kvs.get(0).path("value").asText());
    }

    public void delete(String key) {
        gateway("/v3/kv/deleterange", Map.of("key", base64(key)));
    }

    /**
     * A request through the member's JSON gateway. A member that answers 503 ("leader changed", "no leader") is
     * in an election, which lasts a second or two when a test kills a leader: asked again for up to 5 s.
     */
    private JsonNode gateway(String path, Map<String, Object> body) {
        for (int attempt = 1; ; attempt++) {
            HttpJson.Response response;
            if (rootPassword == null) {
                response = http.post(path, body);
            } else {
                String token = http.post("/v3/auth/authenticate", Map.of("name", ROOT_USER, "password",
                        rootPassword)).expectOk().path("token").asText();
                response = http.send("POST", path, body, "application/json", Map.of("Authorization", token));
            }
            if (response.status() != 503 || attempt == 20) {
                return response.expectOk();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response.expectOk();
            }
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
