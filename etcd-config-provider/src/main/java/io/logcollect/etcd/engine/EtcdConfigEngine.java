package io.logcollect.etcd.engine;

import io.logcollect.etcd.cache.ValueCache;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Snapshot;
import io.logcollect.etcd.client.Versioned;
import io.logcollect.etcd.registry.AgentRegistry;
import io.logcollect.etcd.registry.RegistrySettings;
import io.logcollect.etcd.registry.WorkerHealth;
import io.logcollect.etcd.restart.ConnectRestClient;
import io.logcollect.etcd.restart.RestartCoordinator;
import io.logcollect.etcd.watch.KeyChange;
import io.logcollect.etcd.watch.KeyWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves values from etcd, keeps a local copy of them, watches them and restarts the connectors that use a key
 * when it changes. Knows nothing about Kafka's ConfigProvider interface; {@code EtcdConfigProvider} adapts it.
 * Nothing is started until the first read, so a worker that only creates and closes the provider (as Kafka does
 * while parsing worker properties) costs no connection.
 */
public final class EtcdConfigEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdConfigEngine.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EngineSettings settings;
    private final ValueCache cache;
    /** Keys served from the cache since etcd last answered, so each outage is logged once per key. */
    private final Set<String> servedFromCache = ConcurrentHashMap.newKeySet();
    /** The newest value of each key that could be served, so a value that cannot be is replaced by it. */
    private final Map<String, Versioned> lastGood = new ConcurrentHashMap<>();
    /** The revision of every key served to connectors, for the registry. */
    private final Map<String, Long> served = new ConcurrentHashMap<>();
    /** Values refused (not a policy), by key: the revision refused and why; logged once per revision. */
    private final Map<String, Refusal> refused = new ConcurrentHashMap<>();
    private EtcdStore store;
    private ScheduledExecutorService watchScheduler;
    private ScheduledExecutorService restartScheduler;
    private KeyWatcher watcher;
    private RestartCoordinator restarts;
    private ScheduledExecutorService registrations;
    private volatile AgentRegistry registry;
    private boolean closed;

    public EtcdConfigEngine(EngineSettings settings) {
        this.settings = settings;
        this.cache = settings.cacheDir() == null ? null : new ValueCache(settings.cacheDir());
    }

    /** The values of {@code keys} under {@code path}, by key name. */
    public Map<String, String> get(String path, Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, String> fullKeys = new LinkedHashMap<>();
        for (String key : new TreeSet<>(keys)) {
            fullKeys.put(key, EtcdKeys.join(path, key));
        }
        EtcdStore etcd = started();
        Snapshot snapshot;
        try {
            snapshot = etcd.read(fullKeys.values());
        } catch (EtcdAccessException e) {
            if (!e.unreachable()) {
                throw new EtcdConfigException(e.getMessage());
            }
            return fromCache(fullKeys, e);
        }
        List<String> missing = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Versioned> servable = new LinkedHashMap<>();
        fullKeys.forEach((name, fullKey) -> {
            Versioned versioned = snapshot.values().get(fullKey);
            if (versioned == null) {
                missing.add(fullKey);
            } else {
                Versioned served = servable(fullKey, versioned);
                values.put(name, served.value());
                registered(fullKey, served.modRevision());
                if (served == versioned) {
                    servable.put(fullKey, versioned);
                }
            }
            watch(fullKey, snapshot.revision(), versioned == null ? 0 : versioned.modRevision());
        });
        remember(servable, absentAt(missing, snapshot.revision()));
        if (!missing.isEmpty()) {
            throw new EtcdConfigException((missing.size() == 1 ? "etcd key " + missing.get(0) + " does not exist"
                    : "etcd keys " + missing + " do not exist") + " (etcd at " + etcd.settings().endpointList() + ")");
        }
        LOG.debug("Resolved etcd key(s) {} at revision {}", fullKeys.values(), snapshot.revision());
        return values;
    }

    /**
     * The value to serve for a key read from etcd: itself, or, when it cannot be served (a policy that is not a
     * JSON array of entries), the last value of the key that could, from memory or the local cache.
     */
    private Versioned servable(String key, Versioned read) {
        Optional<String> problem = PolicyValues.problem(key, read.value());
        if (problem.isEmpty()) {
            return read;
        }
        Versioned good = lastGood.get(key);
        if (good == null && cache != null) {
            good = cache.get(key).map(entry -> entry.versioned()).orElse(null);
        }
        refuse(key, read.modRevision(), problem.get(), good);
        if (good == null) {
            throw new EtcdConfigException("etcd key " + key + " (revision " + read.modRevision() + ") is not a valid "
                    + "collection policy: " + problem.get() + "; no earlier valid value of it is known here, so it "
                    + "cannot be served. Fix the key");
        }
        return good;
    }

    private void refuse(String key, long revision, String problem, Versioned kept) {
        AgentRegistry agents = registry;
        if (agents != null) {
            agents.refused(key, revision, problem);
        }
        Refusal refusal = new Refusal(revision, problem);
        if (!refusal.equals(refused.put(key, refusal))) {
            LOG.error("etcd key {} at revision {} is not a valid collection policy: {}. It is not served and restarts "
                    + "nothing: {}. Fix the key", key, revision, problem, kept == null
                    ? "no earlier valid value is known here" : "connectors keep the value of revision "
                    + kept.modRevision());
        }
    }

    /** A value that was not served. */
    public record Refusal(long revision, String problem) {
    }

    /** The values not served now, by key: what an operator must fix. */
    public Map<String, Refusal> refusals() {
        return Map.copyOf(refused);
    }

    private static Map<String, Long> absentAt(List<String> keys, long revision) {
        Map<String, Long> absent = new LinkedHashMap<>();
        keys.forEach(key -> absent.put(key, revision));
        return absent;
    }

    /** Every key directly under {@code path}, by its name relative to the path. */
    public Map<String, String> getAll(String path) {
        String directory = EtcdKeys.directory(path);
        EtcdStore etcd = started();
        Snapshot snapshot;
        try {
            snapshot = etcd.readPrefix(directory);
        } catch (EtcdAccessException e) {
            if (!e.unreachable()) {
                throw new EtcdConfigException(e.getMessage());
            }
            if (cache == null) {
                throw new EtcdConfigException(e.getMessage() + "; no cache.dir is set, so there are no cached values");
            }
            Map<String, String> fullKeys = new TreeMap<>();
            cache.withPrefix(directory).keySet().forEach(k -> {
                String name = EtcdKeys.childName(directory, k);
                if (name != null) {
                    fullKeys.put(name, k);
                }
            });
            if (fullKeys.isEmpty()) {
                throw new EtcdConfigException(e.getMessage() + "; the local cache " + cache.file()
                        + " holds no key under " + directory);
            }
            return fromCache(fullKeys, e);
        }
        Map<String, String> values = new TreeMap<>();
        Map<String, Versioned> direct = new LinkedHashMap<>();
        snapshot.values().forEach((fullKey, versioned) -> {
            String name = EtcdKeys.childName(directory, fullKey);
            if (name != null) {
                Versioned served = servable(fullKey, versioned);
                values.put(name, served.value());
                registered(fullKey, served.modRevision());
                if (served == versioned) {
                    direct.put(fullKey, versioned);
                }
                watch(fullKey, snapshot.revision(), versioned.modRevision());
            }
        });
        remember(direct, Map.of());
        return values;
    }

    private Map<String, String> fromCache(Map<String, String> fullKeys, EtcdAccessException cause) {
        if (cache == null) {
            throw new EtcdConfigException(cause.getMessage() + "; no cache.dir is set, so there are no cached values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> uncached = new ArrayList<>();
        Map<String, ValueCache.Entry> entries = new LinkedHashMap<>();
        fullKeys.forEach((name, fullKey) -> {
            Optional<ValueCache.Entry> entry = cache.get(fullKey);
            if (entry.isPresent()) {
                values.put(name, entry.get().versioned().value());
                registered(fullKey, entry.get().versioned().modRevision());
                entries.put(fullKey, entry.get());
            } else {
                uncached.add(fullKey);
            }
        });
        if (!uncached.isEmpty()) {
            throw new EtcdConfigException(cause.getMessage() + "; the local cache " + cache.file()
                    + " has no value for " + uncached);
        }
        entries.forEach((fullKey, entry) -> {
            watch(fullKey, entry.versioned().modRevision(), entry.versioned().modRevision());
            if (servedFromCache.add(fullKey)) {
                LOG.warn("etcd is unreachable ({}); serving etcd key {} from the local cache {}: the value of revision"
                        + " {}, cached at {}", cause.getMessage(), fullKey, cache.file(),
                        entry.versioned().modRevision(), entry.cachedAt());
            }
        });
        return values;
    }

    /** Records values that can be served, never replacing a newer one. */
    private void remember(Map<String, Versioned> present, Map<String, Long> absent) {
        present.forEach((key, value) -> {
            if (servedFromCache.remove(key)) {
                LOG.info("etcd answers again: etcd key {} is read from etcd, no longer from the local cache", key);
            }
            lastGood.merge(key, value, (old, now) -> old.modRevision() > now.modRevision() ? old : now);
            Refusal refusal = refused.get(key);
            if (refusal != null && refusal.revision() <= value.modRevision() && refused.remove(key, refusal)) {
                LOG.info("etcd key {} holds a valid value again (revision {}); it is served", key, value.modRevision());
            }
        });
        absent.forEach((key, revision) -> lastGood.computeIfPresent(key,
                (k, old) -> old.modRevision() < revision ? null : old));
        if (cache == null) {
            return;
        }
        try {
            cache.update(present, absent);
        } catch (RuntimeException e) {
            LOG.warn("Cannot update the local etcd value cache: {}", e.getMessage());
        }
    }

    /** Tells the registry which revision of a key this worker served; kept for a registry that starts later. */
    private void registered(String fullKey, long modRevision) {
        served.put(fullKey, modRevision);
        AgentRegistry agents = registry;
        if (agents != null) {
            agents.served(fullKey, modRevision);
        }
    }

    /**
     * Registers this worker in etcd after {@code delayMillis} unless the engine is closed first: Kafka creates
     * and closes a provider at once while it reads worker properties, and that one must not register.
     */
    public void register(RegistrySettings agent, long delayMillis) {
        synchronized (this) {
            if (closed || registrations != null) {
                return;
            }
            registrations = Executors.newSingleThreadScheduledExecutor(daemon("logcollect-etcd-registry-"
                    + INSTANCES.incrementAndGet()));
            registrations.schedule(() -> {
                AgentRegistry created;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    created = new AgentRegistry(started(), agent, registrations, health(agent));
                    served.forEach(created::served);
                    refused.forEach((key, refusal) -> created.refused(key, refusal.revision(), refusal.problem()));
                    registry = created;
                }
                created.start(0);
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void watch(String fullKey, long seenRevision, long modRevision) {
        KeyWatcher keyWatcher;
        synchronized (this) {
            keyWatcher = watcher;
        }
        if (keyWatcher != null) {
            keyWatcher.watch(fullKey, seenRevision, modRevision);
        }
    }

    private void changed(KeyChange change) {
        if (change.deleted()) {
            LOG.info("etcd key {} was deleted at revision {}", change.key(), change.revision());
            remember(Map.of(), Map.of(change.key(), change.revision()));
        } else {
            Optional<String> problem = PolicyValues.problem(change.key(), change.value());
            if (problem.isPresent()) {
                refuse(change.key(), change.revision(), problem.get(), lastGood.get(change.key()));
                return;
            }
            LOG.info("etcd key {} was changed at revision {}", change.key(), change.revision());
            remember(Map.of(change.key(), new Versioned(change.value(), change.revision())), Map.of());
        }
        RestartCoordinator coordinator;
        synchronized (this) {
            coordinator = restarts;
        }
        if (coordinator != null) {
            coordinator.keyChanged(change.key(), change.revision());
        }
    }

    /**
     * What the worker sees of itself for its registry entry, through its own REST API (a short timeout: the lease
     * is renewed before) and the metrics its tasks register.
     */
    private WorkerHealth health(RegistrySettings agent) {
        ConnectRestClient rest = new ConnectRestClient(settings.connectRestUrl(), settings.connectRestUsername(),
                settings.connectRestPassword(), settings.connectRestCaFile(), Duration.ofSeconds(3));
        URI url = URI.create(settings.connectRestUrl());
        return new WorkerHealth(rest, Set.of(agent.workerId(), url.getHost() + ":" + url.getPort()),
                "agent".equals(agent.role()));
    }

    private synchronized EtcdStore started() {
        if (closed) {
            throw new EtcdConfigException("the etcd config provider is closed");
        }
        if (store == null) {
            store = new EtcdStore(settings.etcd());
            if (settings.watchEnabled()) {
                int instance = INSTANCES.incrementAndGet();
                watchScheduler = Executors.newSingleThreadScheduledExecutor(daemon("logcollect-etcd-watch-" + instance));
                restartScheduler = Executors.newSingleThreadScheduledExecutor(
                        daemon("logcollect-etcd-restart-" + instance));
                ConnectRestClient rest = new ConnectRestClient(settings.connectRestUrl(),
                        settings.connectRestUsername(), settings.connectRestPassword(), settings.connectRestCaFile(),
                        Duration.ofMillis(Math.max(settings.etcd().timeout().toMillis(), 5000)));
                restarts = new RestartCoordinator(rest, store, settings.claimScope(), settings.claimTtlSeconds(),
                        settings.restartDebounceMs(), restartScheduler);
                watcher = new KeyWatcher(store, watchScheduler, this::changed);
            }
            LOG.info("etcd config provider connecting to {} (watch {}, cache {})", settings.etcd().endpointList(),
                    settings.watchEnabled() ? "on, restarts through " + settings.connectRestUrl() : "off",
                    cache == null ? "off" : cache.file());
        }
        return store;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        KeyWatcher keyWatcher;
        EtcdStore etcd;
        AgentRegistry agents;
        List<ScheduledExecutorService> schedulers = new ArrayList<>();
        synchronized (this) {
            closed = true;
            agents = registry;
            registry = null;
            if (registrations != null) {
                schedulers.add(registrations);
            }
            keyWatcher = watcher;
            etcd = store;
            watcher = null;
            restarts = null;
            if (watchScheduler != null) {
                schedulers.add(watchScheduler);
                schedulers.add(restartScheduler);
            }
        }
        if (keyWatcher != null) {
            keyWatcher.close();
        }
        if (agents != null) {
            agents.close();
        }
        for (ScheduledExecutorService scheduler : schedulers) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (etcd != null) {
            etcd.close();
        }
    }
}
