package io.logcollect.console.search;

import io.javalin.http.HttpResponseException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many searches one user may have running at once: the console reaches the engine through one pool of
 * connections, and one user's many tabs (or a script) must not take all of it from the others. Past the limit a
 * search waits a moment for a slot, then is refused (HTTP 429).
 */
final class SearchSlots {

    private final int perUser;
    private final Duration wait;
    private final Map<String, Semaphore> users = new ConcurrentHashMap<>();

    SearchSlots(int perUser, Duration wait) {
        this.perUser = perUser;
        this.wait = wait;
    }

    /** A slot of the user's, given back when closed. */
    record Slot(String user, Semaphore of) implements AutoCloseable {
        @Override
        public void close() {
            of.release();
        }
    }

    Slot take(String user) {
        Semaphore semaphore = users.computeIfAbsent(user, u -> new Semaphore(perUser));
        try {
            if (semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Slot(user, semaphore);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new HttpResponseException(429, "you have " + perUser + " searches running: wait for one to end, then"
                + " try again");
    }
}
