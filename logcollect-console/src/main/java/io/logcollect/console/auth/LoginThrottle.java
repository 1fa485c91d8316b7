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
 */
public final class LoginThrottle {

    static final int FAILURES_PER_NAME = 5;
    static final int FAILURES_PER_ADDRESS = 20;

    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** How long this attempt must wait; zero when it may go ahead. */
    public Duration waitBefore(String name, String address) {
        long now = clock.millis();
        long wait = Math.max(waitFor("name:" + name, FAILURES_PER_NAME, now),
                waitFor("address:" + address, FAILURES_PER_ADDRESS, now));
        return Duration.ofMillis(wait);
    }

    public void failed(String name, String address) {
        long now = clock.millis();
        record("name:" + name, now);
        record("address:" + address, now);
    }

    public void succeeded(String name) {
        failures.remove("name:" + name);
    }

    private long waitFor(String key, int allowed, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            prune(times, now);
            if (times.isEmpty()) {
                failures.remove(key, times);
                return 0;
            }
            return times.size() < allowed ? 0 : times.peekFirst() + window.toMillis() - now;
        }
    }

    private void record(String key, long now) {
        Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
        }
    }

    private void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() + window.toMillis() <= now) {
            times.removeFirst();
        }
    }
}
