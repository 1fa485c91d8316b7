package io.logcollect.etcd.restart;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Coalesces bursts of key changes: a batch is handed over once no change arrived for the quiet period, or at
 * the latest {@value #MAX_DELAY_FACTOR} quiet periods after its first change, so a key rewritten every second
 * cannot hold restarts back forever. A batch maps each changed key to the highest revision seen for it.
 */
public final class Debouncer {

    static final int MAX_DELAY_FACTOR = 5;

    private final long quietMs;
    private final ScheduledExecutorService scheduler;
    private final Consumer<Map<String, Long>> sink;
    private Map<String, Long> pending = new HashMap<>();
    private long firstNanos;
    private ScheduledFuture<?> flush;

    public Debouncer(long quietMs, ScheduledExecutorService scheduler, Consumer<Map<String, Long>> sink) {
        this.quietMs = quietMs;
        this.scheduler = scheduler;
        this.sink = sink;
    }

    /** Adds a change of {@code key} at {@code revision} to the current batch. */
    public synchronized void add(String key, long revision) {
        long now = System.nanoTime();
        if (pending.isEmpty()) {
            firstNanos = now;
        }
        pending.merge(key, revision, Math::max);
        if (flush != null) {
            flush.cancel(false);
        }
        long deadline = firstNanos + TimeUnit.MILLISECONDS.toNanos(quietMs * MAX_DELAY_FACTOR);
        long delay = Math.max(0, Math.min(TimeUnit.MILLISECONDS.toNanos(quietMs), deadline - now));
        flush = scheduler.schedule(this::flush, delay, TimeUnit.NANOSECONDS);
    }

    private void flush() {
        Map<String, Long> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
            flush = null;
        }
        sink.accept(Map.copyOf(batch));
    }
}
