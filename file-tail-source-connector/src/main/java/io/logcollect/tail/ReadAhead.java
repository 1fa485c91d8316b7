package io.logcollect.tail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Reads the next batch on a thread of its own while Connect converts and sends the one before on the task's
 * thread. Connect runs a source task's poll, conversion and producer send on one thread, so without this a
 * single busy file is cut, hashed and built into records by the same core that serialises and compresses them.
 *
 * <p>A batch read ahead waits until it is taken before the next is read, so one batch at most is held beyond
 * what Connect holds. A batch read ahead but never taken (the task stops) is simply read again by the next task:
 * its offsets were never committed. While a batch waits (Connect stops polling while its producer blocks, when
 * Kafka is away) the reading thread runs {@code whileWaiting} about every 100 ms, so the files are still held.
 *
 * @param <T> a batch
 */
final class ReadAhead<T> {

    /** Produces the next batch, or null after waiting a while and finding nothing to read. */
    @FunctionalInterface
    interface BatchSource<T> {
        T next() throws InterruptedException;
    }

    private static final long OFFER_WAIT_MS = 100;

    private final BlockingQueue<T> handOff = new SynchronousQueue<>();
    private final LongConsumer whileWaiting;
    private final Thread thread;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    /** @param whileWaiting given since when (epoch millis) the batch read ahead waits to be taken */
    ReadAhead(String threadName, LongConsumer whileWaiting, BatchSource<T> source) {
        this.whileWaiting = whileWaiting;
        thread = new Thread(() -> run(source), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(BatchSource<T> source) {
        try {
            while (!closed) {
                T batch = source.next();
                if (batch != null) {
                    handOver(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("reading the files failed", e);
        }
    }

    /**
     * Waits until the batch is taken or reading stops, checking for the stop and running {@code whileWaiting} at
     * least every 100 ms.
     */
    private void handOver(T batch) throws InterruptedException {
        long waitingSince = System.currentTimeMillis();
        while (!closed) {
            if (handOff.offer(batch, OFFER_WAIT_MS, TimeUnit.MILLISECONDS)) {
                return;
            }
            whileWaiting.accept(waitingSince);
        }
    }

    /**
     * The next batch, waiting up to {@code timeoutMs} for it; null if none is ready by then.
     *
     * @throws RuntimeException what reading failed with, once the batches read before it were taken
     */
    T take(long timeoutMs) throws InterruptedException {
        T batch = handOff.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (batch == null && failure != null) {
            throw failure;
        }
        return batch;
    }

    /** Stops reading ahead once the current batch is read; the caller wakes a source that waits for lines. */
    void stop() {
        closed = true;
    }

    /** Waits up to {@code timeoutMs} for the reading thread to end after {@link #stop()}. */
    void awaitEnd(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
    }
}
