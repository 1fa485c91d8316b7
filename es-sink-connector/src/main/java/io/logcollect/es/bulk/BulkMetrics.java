package io.logcollect.es.bulk;

/** What the engine measures; every method is called from the engine's threads and must be cheap. */
public interface BulkMetrics {

    BulkMetrics NONE = new BulkMetrics() {
    };

    /** A request was answered (whatever the items' outcomes). */
    default void requestCompleted(int items, long bytes, long latencyNanos) {
    }

    default void acknowledged(int items) {
    }

    default void retried(int items) {
    }

    default void failed(int items) {
    }
}
