package io.logcollect.etcd;

import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.engine.EngineSettings;
import io.logcollect.etcd.registry.RegistrySettings;
import io.logcollect.host.HostIdentity;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The parameters of {@link EtcdConfigProvider}, given in the worker config as
 * {@code config.providers.<name>.param.<key>}.
 */
public final class EtcdConfigProviderConfig extends AbstractConfig {

    public static final String ENDPOINTS = "endpoints";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String TLS_CA_FILE = "tls.ca.file";
    public static final String TLS_CERT_FILE = "tls.cert.file";
    public static final String TLS_KEY_FILE = "tls.key.file";
    public static final String TIMEOUT_MS = "timeout.ms";
    public static final String WATCH_ENABLED = "watch.enabled";
    public static final String CONNECT_REST_URL = "connect.rest.url";
    public static final String CONNECT_REST_USERNAME = "connect.rest.username";
    public static final String CONNECT_REST_PASSWORD = "connect.rest.password";
    public static final String CONNECT_REST_TLS_CA_FILE = "connect.rest.tls.ca.file";
    public static final String RESTART_DEBOUNCE_MS = "restart.debounce.ms";
    public static final String RESTART_CLAIM_SCOPE = "restart.claim.scope";
    public static final String RESTART_CLAIM_TTL_SECONDS = "restart.claim.ttl.seconds";
    public static final String CACHE_DIR = "cache.dir";
    public static final String REGISTRY_ENABLED = "registry.enabled";
    public static final String REGISTRY_WORKER_ID = "registry.worker.id";
    public static final String REGISTRY_ROLE = "registry.role";
    public static final String REGISTRY_TTL_SECONDS = "registry.ttl.seconds";
    public static final String HOST_NAME = "host.name";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(ENDPOINTS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated etcd client URLs, all http:// or all https://, e.g."
                            + " https://etcd-1:2379,https://etcd-2:2379. Requests fail over between them.")
            .define(USERNAME, Type.STRING, null, Importance.HIGH,
                    "etcd user when etcd authentication is enabled; empty for none.")
            .define(PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of the etcd user. Never logged.")
            .define(TLS_CA_FILE, Type.STRING, null, Importance.MEDIUM,
                    "PEM file of the CA that signed etcd's server certificate; empty to use the JVM's trust store.")
            .define(TLS_CERT_FILE, Type.STRING, null, Importance.MEDIUM,
                    "PEM client certificate (chain) for etcd mutual TLS; requires tls.key.file.")
            .define(TLS_KEY_FILE, Type.STRING, null, Importance.MEDIUM,
                    "PEM private key of tls.cert.file: unencrypted PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA"
                            + " (BEGIN RSA PRIVATE KEY). Convert others with: openssl pkcs8 -topk8 -nocrypt -in key.pem"
                            + " -out key.pk8.pem")
            .define(TIMEOUT_MS, Type.LONG, 5000L, ConfigDef.Range.atLeast(100), Importance.MEDIUM,
                    "Limit of every etcd request, in milliseconds, including connecting and the TLS handshake.")
            .define(WATCH_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Watch every resolved key and restart the connectors (with their tasks) that use it when it"
                            + " changes. When false, values are read once, when a connector or task starts.")
            .define(CONNECT_REST_URL, Type.STRING, "http://localhost:8083", Importance.MEDIUM,
                    "This worker's REST API, used to find the connectors that use a changed key and restart them.")
            .define(CONNECT_REST_USERNAME, Type.STRING, null, Importance.LOW,
                    "Basic-auth user of the Connect REST API, when it requires one.")
            .define(CONNECT_REST_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Basic-auth password of the Connect REST API. Never logged.")
            .define(CONNECT_REST_TLS_CA_FILE, Type.STRING, null, Importance.LOW,
                    "PEM file of the CA(s) that signed the certificate of an https connect.rest.url. Empty: the"
                            + " Java runtime's trusted CAs.")
            .define(RESTART_DEBOUNCE_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Quiet period that coalesces bursts of changes into one restart, in milliseconds; a burst is"
                            + " cut after five periods at most.")
            .define(RESTART_CLAIM_SCOPE, Type.STRING, "", Importance.LOW,
                    "Name shared by the workers of one Connect cluster, under which they claim restarts in etcd so a"
                            + " connector is restarted once per change. Empty (default): the Kafka cluster id plus"
                            + " the id of the worker running the connector, which is the same on every worker of a"
                            + " distributed cluster and distinct for standalone workers.")
            .define(RESTART_CLAIM_TTL_SECONDS, Type.LONG, 600L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "Lifetime of a restart claim in etcd, in seconds.")
            .define(CACHE_DIR, Type.STRING, "", Importance.MEDIUM,
                    "Directory of the local copy of the last values read from etcd (file etcd-values.json,"
                            + " owner-only permissions), served when etcd is unreachable as a connector starts."
                            + " Empty (default): no cache, and connectors cannot start while etcd is down.")
            .define(REGISTRY_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register this worker under /logcollect/agents/<worker id> with a lease, with the revision of"
                            + " every key it served, so operators see which agents are online and which policy"
                            + " revision each applied.")
            .define(REGISTRY_WORKER_ID, Type.STRING, "", Importance.LOW,
                    "The worker's id in the registry, stable across restarts. Empty (default): this host's name and"
                            + " the port of connect.rest.url, e.g. web-01:8083.")
            .define(REGISTRY_ROLE, Type.STRING, "agent", ConfigDef.ValidString.in("agent", "central"), Importance.LOW,
                    "The worker's role in the registry: agent (a standalone worker on an application server) or"
                            + " central (a worker of the central Connect cluster).")
            .define(REGISTRY_TTL_SECONDS, Type.LONG, 15L, ConfigDef.Range.between(5, 300), Importance.LOW,
                    "The registration lease: a worker that dies is shown offline this long after; the lease is"
                            + " renewed every third of it.")
            .define(HOST_NAME, Type.STRING, "", Importance.LOW,
                    "The host's name in the registry (and in the default worker id). Empty (default): the"
                            + " environment variable LOGCOLLECT_HOST_NAME, else the operating system's host name: the"
                            + " same rule as host.name of the tail and host-metrics connectors, so a host has one name"
                            + " everywhere.");

    public EtcdConfigProviderConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
    }

    /** Who this worker is in the registry, or null when it does not register. */
    public RegistrySettings registrySettings() {
        if (!getBoolean(REGISTRY_ENABLED)) {
            return null;
        }
        String host = HostIdentity.resolve(getString(HOST_NAME));
        String restUrl = getString(CONNECT_REST_URL);
        String id = blankToNull(getString(REGISTRY_WORKER_ID));
        if (id == null) {
            int port = URI.create(restUrl).getPort();
            id = host + ":" + (port < 0 ? 8083 : port);
        }
        long ttl = getLong(REGISTRY_TTL_SECONDS);
        return new RegistrySettings(id, host, getString(REGISTRY_ROLE), Version.get(), restUrl, ttl,
                Math.max(1, ttl / 3));
    }

    /** The engine settings; throws ConfigException for a value that cannot work. */
    public EngineSettings engineSettings() {
        try {
            EtcdSettings etcd = new EtcdSettings(
                    EtcdSettings.parseEndpoints(String.join(",", getList(ENDPOINTS))),
                    blankToNull(getString(USERNAME)),
                    password(PASSWORD),
                    file(TLS_CA_FILE), file(TLS_CERT_FILE), file(TLS_KEY_FILE),
                    Duration.ofMillis(getLong(TIMEOUT_MS)));
            String cacheDir = getString(CACHE_DIR);
            return new EngineSettings(etcd, getBoolean(WATCH_ENABLED), getString(CONNECT_REST_URL),
                    blankToNull(getString(CONNECT_REST_USERNAME)), password(CONNECT_REST_PASSWORD),
                    file(CONNECT_REST_TLS_CA_FILE),
                    getLong(RESTART_DEBOUNCE_MS), cacheDir == null || cacheDir.isBlank() ? null : Path.of(cacheDir.trim()),
                    blankToNull(getString(RESTART_CLAIM_SCOPE)), getLong(RESTART_CLAIM_TTL_SECONDS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("etcd config provider: " + e.getMessage());
        }
    }

    private String password(String key) {
        Password password = getPassword(key);
        return password == null || password.value().isEmpty() ? null : password.value();
    }

    private Path file(String key) {
        String value = blankToNull(getString(key));
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(key + " " + path + " does not exist or is not readable");
        }
        return path;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
