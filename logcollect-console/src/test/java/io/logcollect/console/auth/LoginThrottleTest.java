package io.logcollect.console.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void fiveFailuresForOneNameMakeItWaitUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Duration.ZERO, throttle.waitBefore("ann", "10.0.0." + i));
            throttle.failed("ann", "10.0.0." + i);
            millis.addAndGet(1_000);
        }
        assertEquals(Duration.ofSeconds(295), throttle.waitBefore("ann", "10.0.0.9"));
        assertEquals(Duration.ZERO, throttle.waitBefore("bob", "10.0.0.9"));
        millis.addAndGet(295_000);
        assertEquals(Duration.ZERO, throttle.waitBefore("ann", "10.0.0.9"));
    }

    @Test
    void oneAddressTryingManyNamesIsStoppedTooAndSuccessClearsTheName() {
        for (int i = 0; i < 20; i++) {
            throttle.failed("user" + i, "10.1.1.1");
        }
        assertEquals(Duration.ofMinutes(5), throttle.waitBefore("someone", "10.1.1.1"));
        assertEquals(Duration.ZERO, throttle.waitBefore("someone", "10.1.1.2"));
        for (int i = 0; i < 4; i++) {
            throttle.failed("carl", "10.2.2." + i);
        }
        throttle.succeeded("carl");
        throttle.failed("carl", "10.2.2.9");
        assertEquals(Duration.ZERO, throttle.waitBefore("carl", "10.2.2.10"));
    }
}
