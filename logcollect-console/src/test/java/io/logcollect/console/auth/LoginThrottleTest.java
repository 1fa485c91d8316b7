package io.logcollect.console.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginThrottleTest {

    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };
    private final LoginThrottle throttle = new LoginThrottle(Duration.ofMinutes(5), clock);

    /** A login as LoginPages runs it: the attempt first, the password check after. */
    private boolean tryLogin(String name, String address, boolean rightPassword) {
        if (!throttle.attempt(name, address).isZero()) {
            return false;
        }
        if (rightPassword) {
            throttle.succeeded(name, address);
        }
        return true;
    }

    @Test
    void fiveFailuresForOneNameMakeItWaitUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 5; i++) {
            assertTrue(tryLogin("ann", "10.0.0." + i, false));
            millis.addAndGet(1000);
        }
        assertEquals(Duration.ofSeconds(295), throttle.attempt("ann", "10.0.0.9"));
        assertEquals(Duration.ZERO, throttle.attempt("bob", "10.0.0.9"));
        millis.addAndGet(295_000);
        assertEquals(Duration.ZERO, throttle.attempt("ann", "10.0.0.9"));
    }

    @Test
    void oneAddressTryingManyNamesIsStoppedTooAndSuccessClearsTheName() {
        for (int i = 0; i < 20; i++) {
            assertTrue(tryLogin("user" + i, "10.1.1.1", false));
        }
        assertEquals(Duration.ofMinutes(5), throttle.attempt("someone", "10.1.1.1"));
        assertTrue(tryLogin("someone", "10.1.1.2", false));
        for (int i = 0; i < 4; i++) {
            assertTrue(tryLogin("carl", "10.2.2." + i, false));
        }
        assertTrue(tryLogin("carl", "10.2.2.8", true));
        assertTrue(tryLogin("carl", "10.2.2.9", false));
        assertEquals(Duration.ZERO, throttle.attempt("carl", "10.2.2.10"));
    }

    /**
     * Two hundred guesses at once: the attempt counts before bcrypt answers, so five go through, not all of them
     * (the failure used to be recorded after the password check).
     */
    @Test
    void parallelGuessesCountBeforeTheirPasswordIsChecked() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Boolean>> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String address = "10.9.0." + (i % 250);
            guesses.add(pool.submit(() -> {
                start.await();
                return throttle.attempt("ann", address).isZero();
            }));
        }
        start.countDown();
        int through = 0;
        for (java.util.concurrent.Future<Boolean> guess : guesses) {
            through += guess.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(5, through);
    }

    /** Names tried once are forgotten once their failure leaves the window; long names are counted by their start. */
    @Test
    void oldEntriesAreDroppedAndLongNamesAreCut() {
        for (int i = 0; i < 100; i++) {
            tryLogin("once-" + i, "10.3.0." + i, false);
        }
        assertEquals(200, throttle.tracked());
        millis.addAndGet(300_000);
        assertEquals(0, throttle.tracked());
        String base = "x".repeat(LoginThrottle.NAME_LIMIT);
        for (int i = 0; i < 5; i++) {
            assertTrue(tryLogin(base + i, "10.4.0." + i, false));
        }
        assertTrue(!throttle.attempt(base + "z", "10.4.0.9").isZero(), "names differing past the limit are one");
    }
}
