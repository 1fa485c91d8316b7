package io.logcollect.es.bulk;

/** Receives the final outcome of every item, once, from the engine's threads. */
@FunctionalInterface
public interface BulkListener {

    void onOutcome(BulkItem item, Outcome outcome);
}
