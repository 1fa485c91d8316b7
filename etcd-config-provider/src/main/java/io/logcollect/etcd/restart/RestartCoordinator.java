package io.logcollect.etcd.restart;

import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Restarts, with their tasks, the connectors whose raw config refers to etcd keys that changed.
 *
 * <p>Changes are debounced; then every connector of the worker's Connect cluster is checked for references
 * ({@code GET /connectors?expand=info}). Every worker that watches a key sees its change, so before restarting a
 * connector a worker claims the restart in etcd: it creates {@code /logcollect/restart-claims/<scope>/<connector>/<revision>}
 * if absent, in a transaction, with a lease so claims expire. Only the worker that created the key restarts.
 * The scope names the Connect cluster: {@code restart.claim.scope} when set, else the Kafka cluster id plus the id of
 * the worker running the connector (plus this host's name when that id is a loopback address, so standalone agents
 * that all advertise 127.0.0.1 never share a scope).
 */
public final class RestartCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(RestartCoordinator.class);
    public static final String CLAIM_PREFIX = "/logcollect/restart-claims/";
    private static final int REST_ATTEMPTS = 10;
    private static final long REST_RETRY_MS = 1000;

    private final ConnectRestClient rest;
    private final EtcdStore store;
    private final String claimScope;
    private final long claimTtlSeconds;
    private final ScheduledExecutorService scheduler;
    private final Debouncer debouncer;
    private volatile String kafkaClusterId;

    public RestartCoordinator(ConnectRestClient rest, EtcdStore store, String claimScope, long claimTtlSeconds,
                              long debounceMs, ScheduledExecutorService scheduler) {
        this.rest = rest;
        this.store = store;
        this.claimScope = claimScope == null || claimScope.isBlank() ? null : claimScope.trim();
        this.claimTtlSeconds = claimTtlSeconds;
        this.scheduler = scheduler;
        this.debouncer = new Debouncer(debounceMs, scheduler, batch -> restartReferencing(batch, 1));
    }

    /** Notes that {@code key} changed at {@code revision}; the restarts follow after the debounce period. */
    public void keyChanged(String key, long revision) {
        debouncer.add(key, revision);
    }

    private void restartReferencing(Map<String, Long> changed, int attempt) {
        Map<String, Map<String, String>> configs;
        try {
            configs = rest.connectorConfigs();
        } catch (RuntimeException e) {
            if (attempt < REST_ATTEMPTS) {
                LOG.warn("Cannot list the connectors at {} to restart those using the changed etcd key(s) {} ({});"
                        + " retrying", rest.baseUrl(), new TreeSet<>(changed.keySet()), e.getMessage());
                scheduler.schedule(() -> restartReferencing(changed, attempt + 1), REST_RETRY_MS, TimeUnit.MILLISECONDS);
            } else {
                LOG.error("Giving up restarting the connectors using the changed etcd key(s) {}: the Connect REST API"
                        + " at {} did not answer ({}); restart them by hand", new TreeSet<>(changed.keySet()),
                        rest.baseUrl(), e.getMessage());
            }
            return;
        }
        for (Map.Entry<String, Map<String, String>> connector : configs.entrySet()) {
            Set<String> keys = new TreeSet<>(ConfigReferences.referencedKeys(connector.getValue()));
            keys.retainAll(changed.keySet());
            if (keys.isEmpty()) {
                continue;
            }
            long revision = keys.stream().mapToLong(changed::get).max().orElseThrow();
            try {
                restartOnce(connector.getKey(), keys, revision);
            } catch (RuntimeException e) {
                LOG.error("Restarting connector '{}' after the change of etcd key(s) {} failed", connector.getKey(),
                        keys, e);
            }
        }
    }

    private void restartOnce(String connector, Set<String> keys, long revision) {
        String scope = claimScope != null ? claimScope : automaticScope(connector);
        String claimKey = claimKey(scope, connector, revision);
        boolean claimed;
        try {
            claimed = store.createIfAbsent(claimKey, rest.baseUrl(), claimTtlSeconds);
        } catch (EtcdAccessException e) {
            LOG.warn("Cannot claim the restart of connector '{}' in etcd ({}); restarting it anyway", connector,
                    e.getMessage());
            claimed = true;
        }
        if (!claimed) {
            LOG.info("Connector '{}' uses etcd key(s) {} changed at revision {}: another worker of the Connect cluster"
                    + " restarts it", connector, keys, revision);
            return;
        }
        LOG.info("Restarting connector '{}' and its tasks: etcd key(s) {} changed at revision {}", connector, keys,
                revision);
        restartWithRetries(connector, 1);
    }

    private void restartWithRetries(String connector, int attempt) {
        try {
            rest.restartWithTasks(connector);
        } catch (ConnectRestClient.RestException e) {
            if (e.status() == 404) {
                LOG.info("Connector '{}' no longer exists; nothing to restart", connector);
            } else if (attempt < REST_ATTEMPTS) {
                LOG.info("Restart of connector '{}' refused for now ({}); retrying", connector, e.getMessage());
                scheduler.schedule(() -> restartWithRetries(connector, attempt + 1), REST_RETRY_MS,
                        TimeUnit.MILLISECONDS);
            } else {
                LOG.error("Giving up restarting connector '{}': {}", connector, e.getMessage());
            }
        }
    }

    private String automaticScope(String connector) {
        if (kafkaClusterId == null) {
            try {
                kafkaClusterId = rest.kafkaClusterId();
            } catch (RuntimeException e) {
                LOG.debug("Cannot read the Kafka cluster id from {}: {}", rest.baseUrl(), e.getMessage());
            }
        }
        Optional<String> owner = rest.connectorWorkerId(connector);
        return automaticScope(kafkaClusterId == null ? "unknown-kafka" : kafkaClusterId, owner.orElse(null),
                localHostName(), rest.baseUrl());
    }

    /** The claim scope of a connector run by {@code ownerWorkerId} (null when unknown), as seen from this host. */
    static String automaticScope(String kafkaClusterId, String ownerWorkerId, String localHost, String ownRestUrl) {
        if (ownerWorkerId == null) {
            return kafkaClusterId + "/worker@" + localHost + "/" + ownRestUrl;
        }
        String host = ownerWorkerId.contains(":") ? ownerWorkerId.substring(0, ownerWorkerId.lastIndexOf(':'))
                : ownerWorkerId;
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]") || host.equals("0:0:0:0:0:0:0:1");
        return kafkaClusterId + "/" + ownerWorkerId + (loopback ? "@" + localHost : "");
    }

    static String claimKey(String scope, String connector, long revision) {
        StringBuilder key = new StringBuilder(CLAIM_PREFIX);
        for (String part : List.of(scope, connector)) {
            key.append(URLEncoder.encode(part, StandardCharsets.UTF_8)).append('/');
        }
        return key.append(revision).toString();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
