package io.logcollect.es.bulk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The bulk pipeline: items are queued, sent in {@code _bulk} requests of at most {@code batchSize} items and
 * {@code maxBytes} bytes once a batch is full or has lingered long enough, with up to {@code maxInFlight}
 * requests outstanding. {@link BulkAnswers} judges each answer: transient failures put items back after a
 * backoff, a request refused as too large is sent again in halves (and later requests stay under that size), and
 * every item ends with exactly one {@link Outcome} given to the listener (unless it was {@link #discard
 * discarded}). The {@link BulkQueue} decides what goes next, keeping the operations on one document id in the
 * order they were added.
 *
 * <p>One dispatcher thread builds and sends requests; answers are handled on the transport's threads. The
 * engine knows nothing of Kafka Connect.
 */
public final class BulkEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BulkEngine.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BulkSettings settings;
    private final BulkTransport transport;
    private final BulkListener listener;
    private final BulkMetrics metrics;
    private final String name;
    private final BulkAnswers answers;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final BulkQueue queue;
    private final long lingerNanos;
    private final Set<List<BulkItem>> inFlightBatches = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The largest request body to build: {@code maxBytes}, or less once the engine refused one as too large. */
    private long maxRequestBytes;
    private long added;
    private int inFlight;
    private int outstanding;
    private int flushers;
    private boolean closed;
    private Thread dispatcher;
    private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;

    public BulkEngine(String name, BulkSettings settings, BulkTransport transport, BulkListener listener,
                      BulkMetrics metrics) {
        this.name = name;
        this.settings = settings;
        this.transport = transport;
        this.listener = listener;
        this.metrics = metrics;
        this.answers = new BulkAnswers(settings.maxRetries(), new Backoff(settings.backoffMillis(),
                settings.maxBackoffMillis()));
        this.maxRequestBytes = settings.maxBytes();
        this.queue = new BulkQueue(settings.batchSize());
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(settings.lingerMillis());
    }

    /** Starts the dispatcher thread. */
    public void start() {
        lock.lock();
        try {
            if (dispatcher != null) {
                throw new IllegalStateException("already started");
            }
            dispatcher = new Thread(this::dispatchLoop, "bulk-dispatcher-" + name);
            dispatcher.setDaemon(true);
            dispatcher.start();
        } finally {
            lock.unlock();
        }
    }

    /** Queues an item; never blocks. */
    public void add(BulkItem item) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the bulk engine is closed");
            }
            item.enqueuedNanos = System.nanoTime();
            item.sequence = ++added;
            queue.add(item);
            outstanding++;
            if (queue.readyCount() >= settings.batchSize() || queue.readyBytes() >= maxRequestBytes
                    || queue.readyCount() == 1) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Items added whose outcome was not reported yet (queued, waiting for a retry, or in flight). */
    public int outstanding() {
        lock.lock();
        try {
            return outstanding;
        } finally {
            lock.unlock();
        }
    }

    public int inFlightRequests() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends everything queued without lingering and waits until no item is outstanding or the timeout passes;
     * items waiting for a retry keep their backoff. Returns whether everything completed.
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return awaitOutstandingAtMost(0, timeout, true);
    }

    /**
     * Waits until at most {@code limit} items are outstanding or the timeout passes, sending partial batches
     * at once when {@code hurry}. Returns whether the limit was reached.
     */
    public boolean awaitOutstandingAtMost(int limit, Duration timeout, boolean hurry) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            if (hurry) {
                flushers++;
                changed.signalAll();
            }
            try {
                while (outstanding > limit) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    changed.awaitNanos(left);
                }
                return true;
            } finally {
                if (hurry) {
                    flushers--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets every item whose tag matches: queued ones are dropped, and the answers for in-flight ones are
     * ignored. No outcome is reported for them, and they no longer count as outstanding. Returns how many.
     */
    public int discard(Predicate<Object> tagMatches) {
        lock.lock();
        try {
            List<BulkItem> removed = queue.removeMatching(tagMatches);
            removed.forEach(item -> item.abandoned = true);
            int count = removed.size();
            for (List<BulkItem> batch : inFlightBatches) {
                for (BulkItem item : batch) {
                    if (!item.abandoned && tagMatches.test(item.tag())) {
                        item.abandoned = true;
                        count++;
                    }
                }
            }
            outstanding -= count;
            changed.signalAll();
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops dispatching; queued and waiting items are dropped without outcome, and answers that arrive later
     * for requests in flight are ignored.
     */
    @Override
    public void close() {
        Thread thread;
        lock.lock();
        try {
            closed = true;
            queue.clear().forEach(item -> item.abandoned = true);
            inFlightBatches.forEach(batch -> batch.forEach(item -> item.abandoned = true));
            inFlightBatches.clear();
            outstanding = 0;
            changed.signalAll();
            thread = dispatcher;
        } finally {
            lock.unlock();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                queue.promoteDueRetries(now);
                if (inFlight < settings.maxInFlight() && queue.canTake() && batchIsDue(now)) {
                    List<BulkItem> batch = queue.takeBatch(maxRequestBytes);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    inFlight++;
                    inFlightBatches.add(batch);
                    lock.unlock();
                    try {
                        send(batch);
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                long wakeAt = queue.nextRetryNanos();
                if (inFlight < settings.maxInFlight() && queue.canTake()) {
                    wakeAt = Math.min(wakeAt, queue.oldestReadyNanos() + lingerNanos);
                }
                try {
                    if (wakeAt == Long.MAX_VALUE) {
                        changed.await();
                    } else if (wakeAt - now > 0) {
                        changed.awaitNanos(wakeAt - now);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("The bulk dispatcher of {} stopped on an unexpected error", name, e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private boolean batchIsDue(long now) {
        return queue.readyCount() >= settings.batchSize() || queue.readyBytes() >= maxRequestBytes || flushers > 0
                || now - queue.oldestReadyNanos() >= lingerNanos;
    }

    /**
     * Sends a batch and applies the answer once it comes. An answer the transport never gives (neither a response
     * nor an error) must not hold the batch's documents, and every later one of their ids, for ever: after
     * {@code requestTimeoutMillis} the request counts as failed and its documents go again; the answer, should it
     * come later, is ignored (the documents' ids make the second try harmless).
     */
    private void send(List<BulkItem> batch) {
        long started = System.nanoTime();
        byte[] body = BulkRequestBody.build(batch, settings.ingestedTimestamp()
                ? BulkRequestBody.ingested(System.currentTimeMillis()) : null);
        try {
            transport.send(body).orTimeout(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((response, error) -> {
                        metrics.requestCompleted(batch.size(), body.length, System.nanoTime() - started);
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (cause instanceof TimeoutException) {
                            cause = new TimeoutException("no answer within " + settings.requestTimeoutMillis()
                                    + " ms (the HTTP client neither answered nor failed)");
                        }
                        BulkAnswers.Verdict verdict;
                        try {
                            verdict = answers.judge(batch, body.length, response, cause);
                        } catch (RuntimeException e) {
                            log.error("Unexpected error handling a bulk answer of {}", name, e);
                            verdict = answers.judge(batch, body.length, null, e);
                        }
                        complete(batch, verdict);
                    });
        } catch (RuntimeException e) {
            complete(batch, answers.judge(batch, body.length, null, e));
        }
    }

    /**
     * Applies a request's verdict: finished items are reported, the others wait for their backoff or go again at
     * once. Abandoned items are neither; after {@link #close()} nothing is.
     */
    private void complete(List<BulkItem> batch, BulkAnswers.Verdict verdict) {
        if (verdict.warning() != null) {
            warn(verdict.warning());
        }
        List<BulkAnswers.Finished> report = new ArrayList<>(verdict.finished().size());
        int requeued = 0;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            inFlight--;
            if (verdict.tooLargeBytes() > 0) {
                maxRequestBytes = Math.min(maxRequestBytes, Math.max(1, verdict.tooLargeBytes() / 2));
            }
            List<BulkItem> resend = new ArrayList<>(verdict.resend().size());
            for (BulkItem item : verdict.resend()) {
                if (item.abandoned) {
                    queue.release(item);
                } else {
                    resend.add(item);
                }
            }
            queue.requeueFirst(resend);
            for (BulkItem item : verdict.retry()) {
                if (item.abandoned) {
                    queue.release(item);
                } else {
                    queue.retryLater(item);
                    requeued++;
                }
            }
            for (BulkAnswers.Finished f : verdict.finished()) {
                queue.release(f.item());
                if (!f.item().abandoned) {
                    report.add(f);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (requeued > 0) {
            metrics.retried(requeued);
        }
        report(report);
        // Only now, after the listener saw the outcomes, do the items stop counting: a flush that returns has
        // every outcome delivered.
        lock.lock();
        try {
            inFlightBatches.remove(batch);
            for (BulkAnswers.Finished f : report) {
                if (!f.item().abandoned) {
                    f.item().abandoned = true;
                    outstanding--;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void report(List<BulkAnswers.Finished> report) {
        int acknowledged = 0;
        int failed = 0;
        for (BulkAnswers.Finished f : report) {
            if (f.outcome().kind() == Outcome.Kind.ACKNOWLEDGED) {
                acknowledged++;
            } else {
                failed++;
            }
            listener.onOutcome(f.item(), f.outcome());
        }
        if (acknowledged > 0) {
            metrics.acknowledged(acknowledged);
        }
        if (failed > 0) {
            metrics.failed(failed);
        }
    }

    /** Logs at most one warning per 10 s; the others at debug level. */
    private void warn(String message) {
        long now = System.nanoTime();
        boolean due;
        synchronized (this) {
            due = now - lastWarnNanos >= WARN_INTERVAL_NANOS;
            if (due) {
                lastWarnNanos = now;
            }
        }
        if (due) {
            log.warn("[{}] {} (further such warnings within 10 s are logged at debug level)", name, message);
        } else {
            log.debug("[{}] {}", name, message);
        }
    }
}
