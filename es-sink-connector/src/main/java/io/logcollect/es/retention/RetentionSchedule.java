package io.logcollect.es.retention;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a task's {@link IndexRetention} sweeps on a thread of their own, a minute after the task starts and then at
 * every interval, over the topics the task is assigned now: every topic is some task's, so every family is swept.
 * A sweep that fails (the engine away, a refused delete) is logged and tried again at the next interval; it never
 * touches the task's delivery.
 */
public final class RetentionSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);
    private static final long FIRST_DELAY_MS = 60_000;

    private final ScheduledExecutorService timer;

    private RetentionSchedule(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static RetentionSchedule start(String taskName, IndexRetention retention,
                                          Supplier<Collection<String>> topics, long intervalMs) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "index-retention-" + taskName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                retention.sweep(topics.get());
            } catch (Exception e) {
                log.warn("Task {} could not delete the indices past their retention; tried again in {} s: {}",
                        taskName, intervalMs / 1000, e.getMessage());
            }
        }, Math.min(FIRST_DELAY_MS, intervalMs), intervalMs, TimeUnit.MILLISECONDS);
        return new RetentionSchedule(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
