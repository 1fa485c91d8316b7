package io.logcollect.es.bulk;

/**
 * How the engine batches and retries.
 *
 * @param batchSize      maximum items per request
 * @param maxBytes       maximum request body bytes (an item larger than this goes alone)
 * @param lingerMillis   how long a batch that is not full waits for more items
 * @param maxInFlight    requests sent and not yet answered
 * @param maxRetries     retries per item before it is FATAL; -1 for no limit
 * @param backoffMillis  first retry backoff, doubled per retry
 * @param maxBackoffMillis longest backoff
 * @param requestTimeoutMillis a request the transport has neither answered nor failed by then counts as failed
 * @param ingestedTimestamp add {@code event.ingested}, the time a request is sent, to the documents it indexes
 */
public record BulkSettings(int batchSize, long maxBytes, long lingerMillis, int maxInFlight, int maxRetries,
                           long backoffMillis, long maxBackoffMillis, long requestTimeoutMillis,
                           boolean ingestedTimestamp) {

    public BulkSettings {
        if (batchSize < 1 || maxBytes < 1 || lingerMillis < 0 || maxInFlight < 1 || maxRetries < -1
                || backoffMillis < 1 || maxBackoffMillis < backoffMillis || requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("invalid bulk settings " + this);
        }
    }
}
