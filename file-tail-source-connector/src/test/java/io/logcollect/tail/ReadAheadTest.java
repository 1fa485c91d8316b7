package io.logcollect.tail;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAheadTest {

    @Test
    void batchesAreTakenInTheOrderTheyWereReadAndIdleReadsGiveNothing() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        ReadAhead<Integer> readAhead = new ReadAhead<>("test-read-ahead", since -> { }, () ->
                calls.incrementAndGet() % 3 == 0 ? null : batches.incrementAndGet());
        List<Integer> taken = new ArrayList<>();
        while (taken.size() < 1000) {
            Integer batch = readAhead.take(1000);
            if (batch != null) {
                taken.add(batch);
            }
        }
        readAhead.stop();
        readAhead.awaitEnd(5000);
        assertEquals(IntStream.rangeClosed(1, 1000).boxed().toList(), taken);
    }

    /** Connect stops polling while its producer blocks: the reading thread keeps running what must go on. */
    @Test
    void whileABatchWaitsToBeTakenTheWaitingWorkRunsWithTheTimeItStartedWaiting() throws InterruptedException {
        List<Long> waits = new CopyOnWriteArrayList<>();
        long before = System.currentTimeMillis();
        ReadAhead<Integer> readAhead = new ReadAhead<>("test-read-ahead-wait", waits::add, () -> 1);
        Thread.sleep(600);
        assertTrue(waits.size() >= 3, "ran " + waits.size() + " times in 600 ms");
        assertEquals(1, waits.stream().distinct().count(), "one batch waited all along: " + waits);
        assertTrue(waits.get(0) >= before, "started waiting after the reader started");
        assertEquals(1, readAhead.take(1000));
        readAhead.stop();
        readAhead.awaitEnd(5000);
    }

    @Test
    void oneBatchAtMostIsReadAheadOfWhatWasTaken() throws InterruptedException {
        AtomicInteger read = new AtomicInteger();
        ReadAhead<Integer> readAhead = new ReadAhead<>("test-read-ahead", since -> { }, read::incrementAndGet);
        awaitValue(read, 1);
        Thread.sleep(300);
        assertEquals(1, read.get(), "read a second batch before the first was taken");
        assertEquals(1, readAhead.take(1000));
        awaitValue(read, 2);
        Thread.sleep(300);
        assertEquals(2, read.get(), "read a third batch before the second was taken");
        assertEquals(2, readAhead.take(1000));
        readAhead.stop();
        readAhead.awaitEnd(5000);
    }

    private static void awaitValue(AtomicInteger value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, value.get());
    }

    @Test
    void aFailureOfReadingIsThrownToTheTakerAfterTheBatchesReadBeforeIt() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("disk on fire");
        AtomicInteger calls = new AtomicInteger();
        ReadAhead<Integer> readAhead = new ReadAhead<>("test-read-ahead", since -> { }, () -> {
            if (calls.incrementAndGet() == 2) {
                throw failure;
            }
            return calls.get();
        });
        assertEquals(1, readAhead.take(5000));
        assertSame(failure, assertThrows(IllegalStateException.class, () -> readAhead.take(200)));
        assertSame(failure, assertThrows(IllegalStateException.class, () -> readAhead.take(10)));
    }

    @Test
    void stopEndsTheThreadWhileABatchWaitsToBeTaken() throws InterruptedException {
        CountDownLatch read = new CountDownLatch(1);
        ReadAhead<Integer> readAhead = new ReadAhead<>("test-read-ahead-stop", since -> { }, () -> {
            read.countDown();
            return 1;
        });
        assertTrue(read.await(5, TimeUnit.SECONDS));
        readAhead.stop();
        readAhead.awaitEnd(5000);
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("test-read-ahead-stop")), "the read-ahead thread outlived stop");
    }
}
