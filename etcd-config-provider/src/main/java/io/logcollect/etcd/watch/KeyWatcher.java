package io.logcollect.etcd.watch;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Snapshot;
import io.logcollect.etcd.client.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches single etcd keys and reports every put and delete exactly once, in revision order per key.
 *
 * <p>This class, not jetcd, decides where a watch resumes: after any error (etcd restarted, network lost, leader
 * lost) the watch is re-created from the last revision it has seen plus one, so no change is skipped and none is
 * reported twice. When that revision has been compacted away, the key is read again and a change is reported if
 * its value differs from the last one seen. Errors are never fatal: the watch retries with a growing delay.
 */
public final class KeyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyWatcher.class);
    /** Retries after errors: 250 ms doubling to 2 s, with jitter so workers do not retry in step, forever. */
    private static final RetryPolicy<Object> RETRY = RetryPolicy.builder().handle(Throwable.class)
            .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(2)).withJitter(0.2).withMaxRetries(-1).build();

    private final EtcdStore store;
    private final ScheduledExecutorService scheduler;
    private final Consumer<KeyChange> listener;
    private final Map<String, KeyWatch> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public KeyWatcher(EtcdStore store, ScheduledExecutorService scheduler, Consumer<KeyChange> listener) {
        this.store = store;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /**
     * Watches {@code key} unless it is watched already.
     *
     * @param seenRevision a revision at which the key had {@code modRevision}: changes after it are reported
     * @param modRevision  the key's mod_revision at that point (0: it did not exist)
     */
    public void watch(String key, long seenRevision, long modRevision) {
        if (closed) {
            return;
        }
        watches.computeIfAbsent(key, k -> {
            KeyWatch watch = new KeyWatch(k, seenRevision, modRevision);
            scheduler.execute(watch::start);
            return watch;
        });
    }

    public boolean isWatching(String key) {
        return watches.containsKey(key);
    }

    @Override
    public void close() {
        closed = true;
        watches.values().forEach(KeyWatch::close);
        watches.clear();
    }

    /** One key's watch, re-created after every error. */
    private final class KeyWatch {
        private final String key;
        private long seenRevision;
        private long modRevision;
        /** The retries since the watch last worked; null while it works. */
        private Execution<Object> retries;
        private int generation;
        private Watch.Watcher watcher;
        private boolean failing;

        KeyWatch(String key, long seenRevision, long modRevision) {
            this.key = key;
            this.seenRevision = seenRevision;
            this.modRevision = modRevision;
        }

        /** Creates the jetcd watch; jetcd is only ever called outside this object's lock (it calls back under its own). */
        void start() {
            int current;
            WatchOption option;
            synchronized (this) {
                if (closed) {
                    return;
                }
                current = ++generation;
                option = WatchOption.builder().withRevision(seenRevision + 1).withRequireLeader(true)
                        .withCreateNotify(true).build();
            }
            Watch.Watcher created;
            try {
                created = store.watchClient().watch(EtcdStore.bytes(key), option, Watch.listener(
                        response -> onNext(current, response),
                        error -> onError(current, error),
                        () -> onCompleted(current)));
            } catch (RuntimeException e) {
                onError(current, e);
                return;
            }
            boolean stale;
            synchronized (this) {
                stale = current != generation || closed;
                if (!stale) {
                    watcher = created;
                }
            }
            if (stale) {
                closeQuietly(created);
            } else {
                LOG.debug("Watching etcd key {} from revision {}", key, option.getRevision());
            }
        }

        private synchronized void onNext(int from, WatchResponse response) {
            if (from != generation || closed) {
                return;
            }
            if (failing) {
                LOG.info("Watch of etcd key {} resumed from revision {}", key, seenRevision + 1);
                failing = false;
            }
            retries = null;
            for (WatchEvent event : response.getEvents()) {
                long revision = event.getKeyValue().getModRevision();
                if (revision <= seenRevision) {
                    continue;
                }
                seenRevision = revision;
                boolean deleted = event.getEventType() == WatchEvent.EventType.DELETE;
                modRevision = deleted ? 0 : revision;
                report(new KeyChange(key, deleted ? null : EtcdStore.text(event.getKeyValue().getValue()), revision));
            }
        }

        private void onError(int from, Throwable error) {
            Watch.Watcher old;
            synchronized (this) {
                if (from != generation || closed) {
                    return;
                }
                generation++;
                old = watcher;
                watcher = null;
                if (error instanceof CompactedException compacted) {
                    LOG.warn("Watch of etcd key {} lost its position: revision {} was compacted (now at {});"
                            + " reading the key again", key, seenRevision + 1, compacted.getCompactedRevision());
                    scheduler.execute(this::resync);
                } else {
                    if (!failing) {
                        LOG.warn("Watch of etcd key {} interrupted ({}); it resumes from revision {} when etcd"
                                + " answers", key, error.getMessage(), seenRevision + 1);
                        failing = true;
                    } else {
                        LOG.debug("Watch of etcd key {} still failing: {}", key, error.getMessage());
                    }
                    retryLater(this::start, error);
                }
            }
            closeQuietly(old);
        }

        private void onCompleted(int from) {
            Watch.Watcher old;
            synchronized (this) {
                if (from != generation || closed) {
                    return;
                }
                generation++;
                old = watcher;
                watcher = null;
                retryLater(this::start, new IllegalStateException("etcd ended the watch"));
            }
            closeQuietly(old);
        }

        /** After a compaction: read the key, report it if it changed, watch from the read's revision. */
        private void resync() {
            Snapshot snapshot;
            try {
                snapshot = store.read(List.of(key));
            } catch (EtcdAccessException e) {
                LOG.warn("Cannot read etcd key {} after a compaction ({}); retrying", key, e.getMessage());
                synchronized (this) {
                    retryLater(this::resync, e);
                }
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                Versioned now = snapshot.values().get(key);
                long nowModRevision = now == null ? 0 : now.modRevision();
                if (nowModRevision != modRevision) {
                    modRevision = nowModRevision;
                    report(new KeyChange(key, now == null ? null : now.value(),
                            now == null ? snapshot.revision() : now.modRevision()));
                }
                seenRevision = snapshot.revision();
                retries = null;
            }
            start();
        }

        private void report(KeyChange change) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.error("Handling the change of etcd key {} at revision {} failed", key, change.revision(), e);
            }
        }

        private void retryLater(Runnable action, Throwable cause) {
            if (retries == null) {
                retries = Execution.of(RETRY);
            }
            retries.recordException(cause);
            if (!closed && !scheduler.isShutdown()) {
                scheduler.schedule(action, retries.getDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void closeQuietly(Watch.Watcher old) {
            if (old != null) {
                try {
                    old.close();
                } catch (RuntimeException e) {
                    LOG.debug("Closing a watch of {}: {}", key, e.toString());
                }
            }
        }

        void close() {
            Watch.Watcher old;
            synchronized (this) {
                generation++;
                old = watcher;
                watcher = null;
            }
            closeQuietly(old);
        }
    }
}
