package io.logcollect.es.bulk;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff capped at a maximum, with "equal jitter": half of it fixed, half random. */
public final class Backoff {

    private final long firstMillis;
    private final long maxMillis;

    public Backoff(long firstMillis, long maxMillis) {
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
    }

    /** The wait before retry number {@code attempt} (1 for the first). */
    public long millis(int attempt) {
        long exponential = firstMillis << Math.min(attempt - 1, 30);
        long capped = exponential <= 0 ? maxMillis : Math.min(exponential, maxMillis);
        long half = capped / 2;
        return half + ThreadLocalRandom.current().nextLong(capped - half + 1);
    }
}
