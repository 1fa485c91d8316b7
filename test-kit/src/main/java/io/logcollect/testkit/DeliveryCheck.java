package io.logcollect.testkit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A producer callback for tests that count records: {@code send} alone drops a failed record silently, which
 * turns a slow broker into a wrong count far from its cause. Pass one instance to every {@code send}, then
 * {@link #flushAndVerify} before counting.
 */
public final class DeliveryCheck implements Callback {

    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    }

    /** Flushes {@code producer} and fails, with the first cause, if any record sent with this check was not written. */
    public void flushAndVerify(Producer<?, ?> producer) {
        producer.flush();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " records were not written to Kafka; first failure: "
                    + firstFailure.get(), firstFailure.get());
        }
    }
}
