package io.logcollect.etcd.registry;

import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Registers this worker under {@code /logcollect/agents/<worker-id>} (DESIGN.md section 9) with a lease, so the
 * key lives while the worker does: online agents are the keys that exist. The value says who the worker is and,
 * per etcd key, the {@code mod_revision} it last served to its connectors, and the values it refused.
 *
 * <p>Every {@code renewSeconds} the lease is renewed with one request; when that fails (the lease expired while
 * etcd was away, etcd lost it) a new lease is granted and the key put again, so registration survives etcd
 * restarts and leader changes. A worker starts whether or not etcd answers: registration happens on its own
 * thread. A clean stop revokes the lease, which deletes the key at once.
 */
public final class AgentRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);

    private final EtcdStore store;
    private final RegistrySettings settings;
    private final ScheduledExecutorService scheduler;
    private final Instant started = Instant.now();
    private final Map<String, Registration.Applied> served = new TreeMap<>();
    private final Map<String, Registration.Refused> refused = new TreeMap<>();
    private long lease;
    private boolean dirty = true;
    private boolean failing;
    private ScheduledFuture<?> ticks;

    public AgentRegistry(EtcdStore store, RegistrySettings settings, ScheduledExecutorService scheduler) {
        this.store = store;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    public String key() {
        return Registration.PREFIX + settings.workerId();
    }

    /** Starts registering after {@code delayMillis}, then renews every {@code renewSeconds}. */
    public synchronized void start(long delayMillis) {
        if (ticks == null) {
            ticks = scheduler.scheduleWithFixedDelay(this::tick, delayMillis,
                    TimeUnit.SECONDS.toMillis(settings.renewSeconds()), TimeUnit.MILLISECONDS);
        }
    }

    /** A key was served to connectors at this revision: the registry says so within a moment. */
    public void served(String key, long modRevision) {
        synchronized (this) {
            Registration.Applied before = served.get(key);
            if (before != null && before.modRevision() == modRevision) {
                return;
            }
            served.put(key, new Registration.Applied(modRevision, Instant.now().toString()));
            refused.remove(key);
            dirty = true;
        }
        scheduler.execute(this::tick);
    }

    /** A value of a key was refused (not served): the registry says so, for the console. */
    public void refused(String key, long modRevision, String problem) {
        synchronized (this) {
            refused.put(key, new Registration.Refused(modRevision, problem));
            dirty = true;
        }
        scheduler.execute(this::tick);
    }

    private void tick() {
        try {
            long current;
            boolean write;
            synchronized (this) {
                current = lease;
                write = dirty;
            }
            if (current == 0 || !store.keepAliveOnce(current)) {
                current = store.grantLease(settings.ttlSeconds());
                write = true;
                synchronized (this) {
                    lease = current;
                }
            }
            if (write) {
                String value;
                synchronized (this) {
                    value = value();
                    dirty = false;
                }
                store.putWithLease(key(), value, current);
            }
            if (failing) {
                failing = false;
                LOG.info("Worker registered again in etcd as {}", key());
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                dirty = true;
            }
            if (!failing) {
                failing = true;
                LOG.warn("Cannot register this worker in etcd as {} ({}); trying again every {} s", key(),
                        e.getMessage(), settings.renewSeconds());
            }
        }
    }

    private String value() {
        return new Registration(settings.workerId(), settings.host(), settings.role(), settings.version(),
                started.toString(), settings.restUrl(), served, refused).toJson();
    }

    /** Stops registering and deletes the key (by revoking its lease), giving etcd a moment to answer. */
    @Override
    public void close() {
        long current;
        synchronized (this) {
            if (ticks != null) {
                ticks.cancel(false);
            }
            current = lease;
            lease = 0;
        }
        if (current != 0) {
            try {
                store.revokeLease(current);
            } catch (RuntimeException e) {
                LOG.debug("Cannot revoke the registration lease of {}: {}; it expires by itself", key(),
                        e.getMessage());
            }
        }
    }
}
