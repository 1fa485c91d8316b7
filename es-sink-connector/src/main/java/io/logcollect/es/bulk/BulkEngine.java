package io.logcollect.es.bulk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The bulk pipeline: items are queued, sent in {@code _bulk} requests of at most {@code batchSize} items and
 * {@code maxBytes} bytes once a batch is full or has lingered long enough, with up to {@code maxInFlight}
 * requests outstanding. Transient failures (429, 5xx, timeouts, connection errors) put the item back after an
 * exponential backoff with jitter; every item ends with exactly one {@link Outcome} given to the listener
 * (unless it was {@link #discard discarded}).
 *
 * <p>Operations on one document id reach the engine in the order they were added, retries included: an item is
 * not sent while an earlier item of its id, in another request, is in flight or waiting for a retry. Items of one
 * id may share a request, since the engine applies a shard's items in request order.
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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<BulkItem> ready = new ArrayDeque<>();
    private final PriorityQueue<BulkItem> waiting =
            new PriorityQueue<>(Comparator.comparingLong(item -> item.notBeforeNanos));
    private final Set<List<BulkItem>> inFlightBatches = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Ids of items sent and not finished yet: in flight, waiting for a retry, or queued again for it. */
    private final Map<String, IdClaim> claims = new HashMap<>();
    private long batchNumber;
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
            ready.addLast(item);
            readyBytes += item.sizeInBytes();
            outstanding++;
            if (ready.size() >= settings.batchSize() || readyBytes >= settings.maxBytes() || ready.size() == 1) {
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
                release(item);
                if (countBytes) {
                    readyBytes -= item.sizeInBytes();
                }
                outstanding--;
                count++;
            }
        }
        return count;
    }

    /** Stops dispatching; queued and waiting items are dropped without outcome, in-flight answers are ignored. */
    @Override
    public void close() {
        Thread thread;
        lock.lock();
        try {
            closed = true;
            for (BulkItem item : ready) {
                item.abandoned = true;
            }
            for (BulkItem item : waiting) {
                item.abandoned = true;
            }
            for (List<BulkItem> batch : inFlightBatches) {
                for (BulkItem item : batch) {
                    item.abandoned = true;
                }
            }
            ready.clear();
            waiting.clear();
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
        return ready.size() >= settings.batchSize() || readyBytes >= settings.maxBytes() || flushers > 0
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
        for (int i = due.size() - 1; i >= 0; i--) {
            BulkItem item = due.get(i);
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
            if (!batch.isEmpty() && bytes + next.sizeInBytes() > settings.maxBytes()) {
                break;
            }
            ready.pollFirst();
            if (!claim(next, number)) {
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

    /**
     * Claims the item's id for batch {@code number}, or says it must wait: an item seen for the first time may go
     * only if no other batch holds its id. An item sent before holds its claim until it finishes; it is never
     * held back, since the items that came after it are.
     */
    private boolean claim(BulkItem item, long number) {
        if (item.id() == null || item.claimed) {
            return true;
        }
        IdClaim claim = claims.get(item.id());
        if (claim == null) {
            claims.put(item.id(), new IdClaim(number));
        } else if (claim.batch == number) {
            claim.items++;
        } else {
            return false;
        }
        item.claimed = true;
        return true;
    }

    private void release(BulkItem item) {
        if (!item.claimed) {
            return;
        }
        item.claimed = false;
        IdClaim claim = claims.get(item.id());
        if (--claim.items == 0) {
            claims.remove(item.id());
        }
    }

    /** How many items of one id are sent and not finished, and the batch that first took them. */
    private static final class IdClaim {
        final long batch;
        int items = 1;

        IdClaim(long batch) {
            this.batch = batch;
        }
    }

    private void send(List<BulkItem> batch) {
        long started = System.nanoTime();
        byte[] body = BulkRequestBody.build(batch);
        try {
            transport.send(body).whenComplete((response, error) -> {
                try {
                    handle(batch, body.length, started, response, error);
                } catch (RuntimeException e) {
                    log.error("Unexpected error handling a bulk answer of {}", name, e);
                    Split split = retryAll(batch, "unexpected error: " + e);
                    complete(batch, split.finished(), split.requeue());
                }
            });
        } catch (RuntimeException e) {
            Split split = retryAll(batch, "cannot send: " + e);
            complete(batch, split.finished(), split.requeue());
        }
    }

    private void handle(List<BulkItem> batch, int bytes, long started, BulkTransport.Response response,
                        Throwable error) {
        metrics.requestCompleted(batch.size(), bytes, System.nanoTime() - started);
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String reason = describe(cause);
            warn("bulk request of {} documents failed, will retry: {}", batch.size(), reason);
            Split split = retryAll(batch, reason);
            complete(batch, split.finished(), split.requeue());
            return;
        }
        int status = response.status();
        if (status != 200) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            String explanation = ResultClassifier.explainRequestFailure(status, body);
            if (ResultClassifier.classifyRequest(status) == ResultClassifier.Verdict.RETRY) {
                warn("bulk request of {} documents answered HTTP {}, will retry", batch.size(), status);
                Split split = retryAll(batch, explanation);
                complete(batch, split.finished(), split.requeue());
            } else {
                complete(batch, allFatal(batch, explanation), List.of());
            }
            return;
        }
        List<ItemResult> results;
        try {
            results = BulkResponseParser.parse(response.body());
        } catch (IOException e) {
            Split split = retryAll(batch, "unreadable bulk response: " + e.getMessage());
            complete(batch, split.finished(), split.requeue());
            return;
        }
        if (results.size() != batch.size()) {
            complete(batch, allFatal(batch, "the bulk response has " + results.size() + " items for " + batch.size()
                    + " sent"), List.of());
            return;
        }
        List<Finished> finished = new ArrayList<>(batch.size());
        List<BulkItem> retry = new ArrayList<>();
        String retryReason = null;
        for (int i = 0; i < batch.size(); i++) {
            BulkItem item = batch.get(i);
            ItemResult result = results.get(i);
            switch (ResultClassifier.classifyItem(item.action(), result)) {
                case ACKNOWLEDGED -> finished.add(new Finished(item, Outcome.ACKNOWLEDGED));
                case MALFORMED -> finished.add(new Finished(item, Outcome.malformed(result.describe())));
                case FATAL -> finished.add(new Finished(item, Outcome.fatal(result.describe())));
                case RETRY -> {
                    retry.add(item);
                    if (retryReason == null) {
                        retryReason = result.describe();
                    }
                }
            }
        }
        List<BulkItem> requeue = List.of();
        if (!retry.isEmpty()) {
            warn("{} of {} documents were refused for now ({}), will retry", retry.size(), batch.size(), retryReason);
            Split split = retryAll(retry, retryReason);
            finished.addAll(split.finished());
            requeue = split.requeue();
        }
        complete(batch, finished, requeue);
    }

    /** An item done with and its outcome. */
    private record Finished(BulkItem item, Outcome outcome) {
    }

    /** Items over their retry budget (finished, FATAL) and the others, to be sent again after their backoff. */
    private record Split(List<Finished> finished, List<BulkItem> requeue) {
    }

    private static List<Finished> allFatal(List<BulkItem> batch, String reason) {
        List<Finished> finished = new ArrayList<>(batch.size());
        for (BulkItem item : batch) {
            finished.add(new Finished(item, Outcome.fatal(reason)));
        }
        return finished;
    }

    private Split retryAll(List<BulkItem> items, String reason) {
        List<Finished> exhausted = new ArrayList<>();
        List<BulkItem> requeue = new ArrayList<>(items.size());
        long now = System.nanoTime();
        int attempts = 0;
        for (BulkItem item : items) {
            attempts = Math.max(attempts, item.attempts + 1);
        }
        // One backoff for the whole group, so that its items are sent again together, in one request.
        long notBefore = now + TimeUnit.MILLISECONDS.toNanos(backoffMillis(Math.max(1, attempts)));
        for (BulkItem item : items) {
            item.attempts++;
            if (settings.maxRetries() >= 0 && item.attempts > settings.maxRetries()) {
                exhausted.add(new Finished(item, Outcome.fatal("gave up after " + settings.maxRetries()
                        + " retries (max.retries): " + reason)));
            } else {
                item.notBeforeNanos = notBefore;
                requeue.add(item);
            }
        }
        return new Split(exhausted, requeue);
    }

    /**
     * Completes a request whose items are split into {@code finished} and {@code requeue}: the former are
     * reported, the latter wait for their backoff. Abandoned items are neither.
     */
    private void complete(List<BulkItem> batch, List<Finished> finished, List<BulkItem> requeue) {
        List<Finished> report = new ArrayList<>(finished.size());
        int requeued = 0;
        lock.lock();
        try {
            inFlight--;
            for (BulkItem item : requeue) {
                if (item.abandoned) {
                    release(item);
                } else {
                    waiting.add(item);
                    requeued++;
                }
            }
            for (Finished f : finished) {
                release(f.item());
                if (!f.item().abandoned) {
                    report.add(f);
                }
            }
            readyHeld = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (requeued > 0) {
            metrics.retried(requeued);
        }
        int acknowledged = 0;
        int failed = 0;
        for (Finished f : report) {
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
        // Only now, after the listener saw the outcomes, do the items stop counting: a flush that returns has
        // every outcome delivered.
        lock.lock();
        try {
            inFlightBatches.remove(batch);
            for (Finished f : report) {
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

    /** Exponential backoff capped at the maximum, with "equal jitter": half fixed, half random. */
    long backoffMillis(int attempt) {
        long exponential = settings.backoffMillis() << Math.min(attempt - 1, 30);
        long capped = exponential <= 0 ? settings.maxBackoffMillis() : Math.min(exponential, settings.maxBackoffMillis());
        long half = capped / 2;
        return half + ThreadLocalRandom.current().nextLong(capped - half + 1);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        boolean due;
        synchronized (this) {
            due = now - lastWarnNanos >= WARN_INTERVAL_NANOS;
            if (due) {
                lastWarnNanos = now;
            }
        }
        if (due) {
            log.warn("[{}] " + format + " (further such warnings within 10 s are logged at debug level)",
                    prepend(name, args));
        } else if (log.isDebugEnabled()) {
            log.debug("[{}] " + format, prepend(name, args));
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
