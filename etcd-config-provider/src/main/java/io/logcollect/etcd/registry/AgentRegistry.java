package io.logcollect.etcd.registry;

import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Registers this worker under {@code /logcollect/agents/<worker-id>} (DESIGN.md section 9) with a lease, so the
 * key lives while the worker does: online agents are the keys that exist. The value says who the worker is and,
 * per etcd key, the {@code mod_revision} it last served to its connectors, and the values it refused.
 *
 * <p>Every {@code renewSeconds} (at a fixed rate, at most a third of the lease) the lease is renewed with one
 * request, then the value is refreshed with what the worker sees of itself ({@link WorkerHealth}: its tasks'
 * states, its tail tasks' output) and put again, which also brings back a key deleted while its lease lives. When
 * the renewal fails (the lease expired while etcd was away, etcd lost it) a new lease is granted first, so
 * registration survives etcd restarts and leader changes. A worker starts whether or not etcd answers:
 * registration happens on its own thread, which logs whatever stops a tick and goes on. A clean stop revokes
 * the lease, which deletes the key at once.
 */
public final class AgentRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);

    private final EtcdStore store;
    private final RegistrySettings settings;
    private final ScheduledExecutorService scheduler;
    private final Instant started = Instant.now();
    private final Map<String, Registration.Applied> served = new TreeMap<>();
    private final Map<String, Registration.Refused> refused = new TreeMap<>();
    private final WorkerHealth health;
    private List<Registration.TaskState> tasks = List.of();
    private long lease;
    private boolean failing;
    private ScheduledFuture<?> ticks;

    public AgentRegistry(EtcdStore store, RegistrySettings settings, ScheduledExecutorService scheduler,
                         WorkerHealth health) {
        this.store = store;
        this.settings = settings;
        this.scheduler = scheduler;
        this.health = health;
    }

    public String key() {
        return Registration.PREFIX + settings.workerId();
    }

    /** Starts registering after {@code delayMillis}, then renews every {@code renewSeconds}. */
    public synchronized void start(long delayMillis) {
        if (ticks == null) {
            long every = Math.max(1, Math.min(settings.renewSeconds(), settings.ttlSeconds() / 3));
            ticks = scheduler.scheduleAtFixedRate(this::tick, delayMillis, TimeUnit.SECONDS.toMillis(every),
                    TimeUnit.MILLISECONDS);
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
        }
        scheduler.execute(this::tick);
    }

    /** A value of a key was refused (not served): the registry says so, for the console. */
    public void refused(String key, long modRevision, String problem) {
        synchronized (this) {
            refused.put(key, new Registration.Refused(modRevision, problem));
        }
        scheduler.execute(this::tick);
    }

    /** One renewal; never throws, since a scheduled task that throws is never run again. */
    private void tick() {
        try {
            renewAndRefresh();
            if (failing) {
                failing = false;
                LOG.info("Worker registered again in etcd as {}", key());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Cannot register this worker in etcd as {} ({}); trying again every {} s", key(),
                        e.getMessage(), settings.renewSeconds());
            }
        } catch (Error e) {
            LOG.error("Registering this worker in etcd as {} failed; trying again at the next renewal", key(), e);
        }
    }

    private void renewAndRefresh() {
        long current;
        synchronized (this) {
            current = lease;
        }
        if (current == 0 || !store.keepAliveOnce(current)) {
            current = store.grantLease(settings.ttlSeconds());
            synchronized (this) {
                lease = current;
            }
        }
        Optional<List<Registration.TaskState>> seen = health.tasks();
        Registration.Output output = health.output();
        String value;
        synchronized (this) {
            seen.ifPresent(states -> tasks = states);
            value = new Registration(settings.workerId(), settings.host(), settings.role(), settings.version(),
                    started.toString(), settings.restUrl(), served, refused, tasks, output,
                    Instant.now().toString()).toJson();
        }
        store.putWithLease(key(), value, current);
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
