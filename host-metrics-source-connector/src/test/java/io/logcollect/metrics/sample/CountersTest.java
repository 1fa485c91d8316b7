package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CountersTest {

    @Test
    void aFirstValueAndAResetGiveNoDeltaNeverANegativeOne() {
        Counters counters = new Counters();
        assertEquals(OptionalLong.empty(), counters.delta("eth0/in.bytes", 1000));
        assertEquals(OptionalLong.of(500), counters.delta("eth0/in.bytes", 1500));
        assertEquals(OptionalLong.empty(), counters.delta("eth0/in.bytes", 20));
        assertEquals(OptionalLong.of(10), counters.delta("eth0/in.bytes", 30));
        counters.retainOnly(Set.of());
        assertEquals(OptionalLong.empty(), counters.delta("eth0/in.bytes", 40));
    }
}
