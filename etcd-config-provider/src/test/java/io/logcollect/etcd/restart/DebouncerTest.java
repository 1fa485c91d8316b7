package io.logcollect.etcd.restart;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DebouncerTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<Map<String, Long>> batches = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aBurstBecomesOneBatchWithTheHighestRevisionPerKey() throws InterruptedException {
        Debouncer debouncer = new Debouncer(300, scheduler, batches::add);
        long start = System.nanoTime();
        debouncer.add("/a", 5);
        debouncer.add("/b", 6);
        debouncer.add("/a", 7);
        Map<String, Long> batch = batches.poll(5, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Map.of("/a", 7L, "/b", 6L), batch);
        assertTrue(elapsedMs >= 290, "flushed after " + elapsedMs + " ms, before the quiet period");
        assertNull(batches.poll(600, TimeUnit.MILLISECONDS), "a second batch for the same burst");
    }

    @Test
    void changesAfterAFlushStartANewBatch() throws InterruptedException {
        Debouncer debouncer = new Debouncer(100, scheduler, batches::add);
        debouncer.add("/a", 1);
        assertEquals(Map.of("/a", 1L), batches.poll(5, TimeUnit.SECONDS));
        debouncer.add("/a", 2);
        assertEquals(Map.of("/a", 2L), batches.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aKeyRewrittenWithoutPauseIsFlushedAfterFiveQuietPeriodsAtMost() throws InterruptedException {
        Debouncer debouncer = new Debouncer(100, scheduler, batches::add);
        long start = System.nanoTime();
        Map<String, Long> batch = null;
        for (long revision = 1; revision <= 40 && batch == null; revision++) {
            debouncer.add("/hot", revision);
            batch = batches.poll(50, TimeUnit.MILLISECONDS);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(batch != null && elapsedMs < 1000, "no batch within " + elapsedMs + " ms of constant changes");
    }

    @Test
    void zeroDebounceFlushesAtOnce() throws InterruptedException {
        Debouncer debouncer = new Debouncer(0, scheduler, batches::add);
        debouncer.add("/a", 3);
        assertEquals(Map.of("/a", 3L), batches.poll(1, TimeUnit.SECONDS));
    }
}
