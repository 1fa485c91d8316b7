package io.logcollect.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #FAILURES_PER_NAME} failed logins for one name, or
 * {@value #FAILURES_PER_ADDRESS} from one address, within the window, further attempts are refused until the oldest
 * failure leaves the window. Counting by name stops many addresses trying one name; counting by address, with more
 * room since colleagues behind one proxy share it, stops one address trying many names.
 *
 * <p>An attempt counts as a failure from the moment it is let through, before its password is checked (bcrypt
 * takes a while): otherwise a burst of parallel guesses all pass the check before the first failure is recorded.
 * A successful login takes its attempt back. Entries that have left the window are dropped as attempts come, so
 * names that are tried once do not pile up; a name is counted by its first {@value #NAME_LIMIT} characters.
 */
public final class LoginThrottle {

    static final int FAILURES_PER_NAME = 5;
    static final int FAILURES_PER_ADDRESS = 20;
    /** Longer names are cut for counting (the login refuses them anyway). */
    public static final int NAME_LIMIT = 128;
    /** How often, in attempts, every entry is checked for one that has left the window. */
    private static final int SWEEP_EVERY = 256;

    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private int sinceSweep;

    public LoginThrottle(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /**
     * Lets an attempt through and counts it as a failure until {@link #succeeded}, or says how long it must wait
     * (nothing is counted then).
     */
    public synchronized Duration attempt(String name, String address) {
        long now = clock.millis();
        if (++sinceSweep >= SWEEP_EVERY) {
            sweep(now);
        }
        String nameKey = "name:" + cut(name);
        String addressKey = "address:" + address;
        long wait = Math.max(waitFor(nameKey, FAILURES_PER_NAME, now), waitFor(addressKey, FAILURES_PER_ADDRESS, now));
        if (wait > 0) {
            return Duration.ofMillis(wait);
        }
        failures.computeIfAbsent(nameKey, k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent(addressKey, k -> new ArrayDeque<>()).addLast(now);
        return Duration.ZERO;
    }

    /** The attempt let through for this name and address was the right password: it is not a failure. */
    public synchronized void succeeded(String name, String address) {
        failures.remove("name:" + cut(name));
        Deque<Long> times = failures.get("address:" + address);
        if (times != null && !times.isEmpty()) {
            times.removeLast();
        }
    }

    /** Names and addresses with failures in the window, for the tests of pruning. */
    synchronized int tracked() {
        sweep(clock.millis());
        return failures.size();
    }

    private long waitFor(String key, int allowed, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        prune(times, now);
        if (times.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        return times.size() < allowed ? 0 : times.peekFirst() + window.toMillis() - now;
    }

    private void sweep(long now) {
        sinceSweep = 0;
        failures.values().forEach(times -> prune(times, now));
        failures.values().removeIf(Deque::isEmpty);
    }

    private void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() + window.toMillis() <= now) {
            times.removeFirst();
        }
    }

    private static String cut(String name) {
        return name.length() > NAME_LIMIT ? name.substring(0, NAME_LIMIT) : name;
    }
}
