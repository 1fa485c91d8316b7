package io.logcollect.etcd.restart;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.logcollect.host.HostIdentity;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;

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
    /** Calls of the REST API are tried ten times a second apart (a worker may be starting or rebalancing). */
    private static final RetryPolicy<Object> REST_RETRY = RetryPolicy.builder()
            .handleIf(e -> !(e instanceof ConnectRestClient.RestException r && r.status() == 404))
            .withDelay(Duration.ofSeconds(1)).withMaxAttempts(10).build();

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
        this.debouncer = new Debouncer(debounceMs, scheduler, this::restartReferencing);
    }

    /** Notes that {@code key} changed at {@code revision}; the restarts follow after the debounce period. */
    public void keyChanged(String key, long revision) {
        debouncer.add(key, revision);
    }

    private void restartReferencing(Map<String, Long> changed) {
        Set<String> keys = new TreeSet<>(changed.keySet());
        Failsafe.with(RetryPolicy.builder(REST_RETRY.getConfig())
                        .onRetry(e -> LOG.warn("Cannot list the connectors at {} to restart those using the changed etcd"
                                + " key(s) {} ({}); retrying", rest.baseUrl(), keys, e.getLastException().getMessage()))
                        .build())
                .with(scheduler)
                .getAsync(rest::connectorConfigs)
                .whenComplete((configs, error) -> {
                    if (error != null) {
                        LOG.error("Giving up restarting the connectors using the changed etcd key(s) {}: the Connect"
                                + " REST API at {} did not answer ({}); restart them by hand", keys, rest.baseUrl(),
                                error.getMessage());
                    } else {
                        restartReferencing(changed, configs);
                    }
                });
    }

    private void restartReferencing(Map<String, Long> changed, Map<String, Map<String, String>> configs) {
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
        restartWithRetries(connector);
    }

    private void restartWithRetries(String connector) {
        Failsafe.with(RetryPolicy.builder(REST_RETRY.getConfig())
                        .onRetry(e -> LOG.info("Restart of connector '{}' refused for now ({}); retrying", connector,
                                e.getLastException().getMessage()))
                        .build())
                .with(scheduler)
                .runAsync(() -> rest.restartWithTasks(connector))
                .whenComplete((done, error) -> {
                    if (error instanceof ConnectRestClient.RestException refused && refused.status() == 404) {
                        LOG.info("Connector '{}' no longer exists; nothing to restart", connector);
                    } else if (error != null) {
                        LOG.error("Giving up restarting connector '{}': {}", connector, error.getMessage());
                    }
                });
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
        return HostIdentity.resolve(null);
    }
}
