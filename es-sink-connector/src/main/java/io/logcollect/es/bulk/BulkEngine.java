package io.logcollect.es.bulk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The bulk pipeline: items are queued, sent in {@code _bulk} requests of at most {@code batchSize} items and
 * {@code maxBytes} bytes once a batch is full or has lingered long enough, with up to {@code maxInFlight}
 * requests outstanding. {@link BulkAnswers} judges each answer: transient failures put items back after a
 * backoff, a request refused as too large is sent again in halves (and later requests stay under that size), and
 * every item ends with exactly one {@link Outcome} given to the listener (unless it was {@link #discard
 * discarded}). {@link IdClaims} keeps the operations on one document id in the order they were added.
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
    private final ArrayDeque<BulkItem> ready = new ArrayDeque<>();
    /**
     * Items waiting for their backoff. Operations on one id that shared a request wait until the same moment, so
     * the order they were added in breaks the tie: a heap alone would hand them back in any order.
     */
    private final PriorityQueue<BulkItem> waiting = new PriorityQueue<>(
            Comparator.<BulkItem>comparingLong(item -> item.notBeforeNanos).thenComparingLong(item -> item.sequence));
    private final Set<List<BulkItem>> inFlightBatches = Collections.newSetFromMap(new IdentityHashMap<>());
    private final IdClaims claims = new IdClaims();
    /** The largest request body to build: {@code maxBytes}, or less once the engine refused one as too large. */
    private long maxRequestBytes;
    private long batchNumber;
    private long added;
    /** Every queued item within reach waits for an earlier item of its id: nothing to send until one finishes. */
    private boolean readyHeld;
    private long readyBytes;
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
            ready.addLast(item);
            readyBytes += item.sizeInBytes();
            outstanding++;
            if (ready.size() >= settings.batchSize() || readyBytes >= maxRequestBytes || ready.size() == 1) {
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
            int count = 0;
            count += removeMatching(ready.iterator(), tagMatches, true);
            count += removeMatching(waiting.iterator(), tagMatches, false);
            for (List<BulkItem> batch : inFlightBatches) {
                for (BulkItem item : batch) {
                    if (!item.abandoned && tagMatches.test(item.tag())) {
                        item.abandoned = true;
                        outstanding--;
                        count++;
                    }
                }
            }
            readyHeld = false;
            changed.signalAll();
            return count;
        } finally {
            lock.unlock();
        }
    }

    private int removeMatching(Iterator<BulkItem> items, Predicate<Object> tagMatches, boolean countBytes) {
        int count = 0;
        while (items.hasNext()) {
            BulkItem item = items.next();
            if (tagMatches.test(item.tag())) {
                items.remove();
                item.abandoned = true;
                claims.release(item);
                if (countBytes) {
                    readyBytes -= item.sizeInBytes();
                }
                outstanding--;
                count++;
            }
        }
        return count;
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
            ready.forEach(item -> item.abandoned = true);
            waiting.forEach(item -> item.abandoned = true);
            inFlightBatches.forEach(batch -> batch.forEach(item -> item.abandoned = true));
            ready.clear();
            waiting.clear();
            inFlightBatches.clear();
            claims.clear();
            readyBytes = 0;
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
                promoteDueRetries(now);
                if (inFlight < settings.maxInFlight() && !readyHeld && !ready.isEmpty() && batchIsDue(now)) {
                    List<BulkItem> batch = takeBatch();
                    if (batch.isEmpty()) {
                        readyHeld = true;
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
                long waitNanos = Long.MAX_VALUE;
                if (!ready.isEmpty() && !readyHeld && inFlight < settings.maxInFlight()) {
                    waitNanos = ready.peekFirst().enqueuedNanos + TimeUnit.MILLISECONDS.toNanos(settings.lingerMillis())
                            - now;
                }
                if (!waiting.isEmpty()) {
                    waitNanos = Math.min(waitNanos, waiting.peek().notBeforeNanos - now);
                }
                try {
                    if (waitNanos == Long.MAX_VALUE) {
                        changed.await();
                    } else if (waitNanos > 0) {
                        changed.awaitNanos(waitNanos);
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
        return ready.size() >= settings.batchSize() || readyBytes >= maxRequestBytes || flushers > 0
                || now - ready.peekFirst().enqueuedNanos >= TimeUnit.MILLISECONDS.toNanos(settings.lingerMillis());
    }

    private void promoteDueRetries(long now) {
        if (waiting.isEmpty() || waiting.peek().notBeforeNanos > now) {
            return;
        }
        List<BulkItem> due = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peek().notBeforeNanos <= now) {
            due.add(waiting.poll());
        }
        requeueFirst(due);
    }

    /** Puts items back at the head of the queue, in their order, to be sent before anything added after them. */
    private void requeueFirst(List<BulkItem> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            BulkItem item = items.get(i);
            item.enqueuedNanos = 0;
            ready.addFirst(item);
            readyBytes += item.sizeInBytes();
        }
        readyHeld = false;
    }

    /**
     * Takes the next batch from the queue, leaving in place, in their order, items that must wait for an earlier
     * item of their id. At most {@code batchSize} waiting items are looked past, so that a queue full of them
     * costs no more than a batch.
     */
    private List<BulkItem> takeBatch() {
        long number = ++batchNumber;
        List<BulkItem> batch = new ArrayList<>(Math.min(ready.size(), settings.batchSize()));
        List<BulkItem> held = new ArrayList<>();
        long bytes = 0;
        while (!ready.isEmpty() && batch.size() < settings.batchSize() && held.size() < settings.batchSize()) {
            BulkItem next = ready.peekFirst();
            if (!batch.isEmpty() && bytes + next.sizeInBytes() > maxRequestBytes) {
                break;
            }
            ready.pollFirst();
            if (!claims.claim(next, number)) {
                held.add(next);
                continue;
            }
            readyBytes -= next.sizeInBytes();
            bytes += next.sizeInBytes();
            batch.add(next);
        }
        for (int i = held.size() - 1; i >= 0; i--) {
            ready.addFirst(held.get(i));
        }
        return batch;
    }

    private void send(List<BulkItem> batch) {
        long started = System.nanoTime();
        byte[] body = BulkRequestBody.build(batch);
        try {
            transport.send(body).whenComplete((response, error) -> {
                metrics.requestCompleted(batch.size(), body.length, System.nanoTime() - started);
                BulkAnswers.Verdict verdict;
                try {
                    verdict = answers.judge(batch, body.length, response, error);
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
                    claims.release(item);
                } else {
                    resend.add(item);
                }
            }
            requeueFirst(resend);
            for (BulkItem item : verdict.retry()) {
                if (item.abandoned) {
                    claims.release(item);
                } else {
                    waiting.add(item);
                    requeued++;
                }
            }
            for (BulkAnswers.Finished f : verdict.finished()) {
                claims.release(f.item());
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
