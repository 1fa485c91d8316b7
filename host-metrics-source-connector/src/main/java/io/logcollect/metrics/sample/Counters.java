package io.logcollect.metrics.sample;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns cumulative counters (bytes received, packets sent) into deltas since the previous sample. The first
 * sample of a counter gives no delta rather than a wrong one, and a counter that went backwards (it wrapped, the
 * host rebooted, an interface was re-created) starts over instead of giving a negative delta.
 */
final class Counters {

    private final Map<String, Long> previous = new HashMap<>();

    /** The increase of counter {@code key} since its last value; empty the first time and after a reset. */
    OptionalLong delta(String key, long value) {
        Long before = previous.put(key, value);
        if (before == null || value < before) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(value - before);
    }

    /** Forgets counters not seen in the last sample (an interface or disk that went away). */
    void retainOnly(java.util.Set<String> keys) {
        previous.keySet().retainAll(keys);
    }
}
