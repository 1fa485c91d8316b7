package io.logcollect.es.bulk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The items of a {@link BulkEngine} that are not in flight: those ready to go, in the order they must go, and
 * those waiting for a retry's backoff; and which of them may go next. Items of one id leave in the order they
 * were added ({@link IdClaims}): an item whose id an earlier item still holds stays behind. Not thread-safe:
 * guarded by the engine's lock.
 */
final class BulkQueue {

    private final int batchSize;
    private final ArrayDeque<BulkItem> ready = new ArrayDeque<>();
    /**
     * Items waiting for their backoff. Operations on one id that shared a request wait until the same moment, so
     * the order they were added in breaks the tie: a heap alone would hand them back in any order.
     */
    private final PriorityQueue<BulkItem> waiting = new PriorityQueue<>(
            Comparator.<BulkItem>comparingLong(item -> item.notBeforeNanos).thenComparingLong(item -> item.sequence));
    private final IdClaims claims = new IdClaims();
    private long readyBytes;
    private long batchNumber;
    /** Every ready item within reach waits for an earlier item of its id: nothing to take until one finishes. */
    private boolean held;

    BulkQueue(int batchSize) {
        this.batchSize = batchSize;
    }

    void add(BulkItem item) {
        ready.addLast(item);
        readyBytes += item.sizeInBytes();
    }

    int readyCount() {
        return ready.size();
    }

    long readyBytes() {
        return readyBytes;
    }

    /** Whether items are ready and not all held back by earlier items of their ids. */
    boolean canTake() {
        return !held && !ready.isEmpty();
    }

    /** When the oldest ready item was queued; requeued retries count as due. */
    long oldestReadyNanos() {
        return ready.peekFirst().enqueuedNanos;
    }

    /** When the next retry is due, or {@link Long#MAX_VALUE} when none waits. */
    long nextRetryNanos() {
        return waiting.isEmpty() ? Long.MAX_VALUE : waiting.peek().notBeforeNanos;
    }

    /** Moves the retries that are due to the head of the ready items. */
    void promoteDueRetries(long now) {
        if (waiting.isEmpty() || waiting.peek().notBeforeNanos > now) {
            return;
        }
        List<BulkItem> due = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peek().notBeforeNanos <= now) {
            due.add(waiting.poll());
        }
        requeueFirst(due);
    }

    /** Puts items back at the head, in their order, to be sent before anything added after them. */
    void requeueFirst(List<BulkItem> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            BulkItem item = items.get(i);
            item.enqueuedNanos = 0;
            ready.addFirst(item);
            readyBytes += item.sizeInBytes();
        }
        held = false;
    }

    /** An item to send again once its backoff ({@link BulkItem#notBeforeNanos}) has passed; it keeps its claim. */
    void retryLater(BulkItem item) {
        waiting.add(item);
    }

    /** The item is done with (finished, or dropped after it was sent): the next item of its id may go. */
    void release(BulkItem item) {
        claims.release(item);
        held = false;
    }

    /**
     * Takes the next batch of at most {@code maxBytes}, leaving in place, in their order, items that must wait for
     * an earlier item of their id. At most a batch of waiting items are looked past, so that a queue full of them
     * costs no more than a batch. An empty batch means every item within reach is held back.
     */
    List<BulkItem> takeBatch(long maxBytes) {
        long number = ++batchNumber;
        List<BulkItem> batch = new ArrayList<>(Math.min(ready.size(), batchSize));
        List<BulkItem> heldBack = new ArrayList<>();
        long bytes = 0;
        while (!ready.isEmpty() && batch.size() < batchSize && heldBack.size() < batchSize) {
            BulkItem next = ready.peekFirst();
            if (!batch.isEmpty() && bytes + next.sizeInBytes() > maxBytes) {
                break;
            }
            ready.pollFirst();
            if (!claims.claim(next, number)) {
                heldBack.add(next);
                continue;
            }
            readyBytes -= next.sizeInBytes();
            bytes += next.sizeInBytes();
            batch.add(next);
        }
        for (int i = heldBack.size() - 1; i >= 0; i--) {
            ready.addFirst(heldBack.get(i));
        }
        held = batch.isEmpty();
        return batch;
    }

    /** Removes the ready and waiting items whose tag matches, releasing their claims; returns them. */
    List<BulkItem> removeMatching(Predicate<Object> tagMatches) {
        List<BulkItem> removed = new ArrayList<>();
        for (Iterator<BulkItem> it = ready.iterator(); it.hasNext(); ) {
            BulkItem item = it.next();
            if (tagMatches.test(item.tag())) {
                it.remove();
                readyBytes -= item.sizeInBytes();
                removed.add(item);
            }
        }
        for (Iterator<BulkItem> it = waiting.iterator(); it.hasNext(); ) {
            BulkItem item = it.next();
            if (tagMatches.test(item.tag())) {
                it.remove();
                removed.add(item);
            }
        }
        removed.forEach(claims::release);
        held = false;
        return removed;
    }

    /** Forgets everything: the engine closed. Returns the items that were queued. */
    List<BulkItem> clear() {
        List<BulkItem> all = new ArrayList<>(ready);
        all.addAll(waiting);
        ready.clear();
        waiting.clear();
        claims.clear();
        readyBytes = 0;
        held = false;
        return all;
    }
}
