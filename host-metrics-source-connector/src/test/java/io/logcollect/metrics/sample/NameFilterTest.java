package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameFilterTest {

    @Test
    void includesThenExcludes() {
        NameFilter interfaces = new NameFilter(List.of("eth*", "lo"), List.of("eth9"));
        assertTrue(interfaces.accepts("eth0"));
        assertTrue(interfaces.accepts("lo"));
        assertFalse(interfaces.accepts("eth9"));
        assertFalse(interfaces.accepts("veth12"));
        NameFilter mounts = new NameFilter(List.of(), List.of("/snap/**", "/boot"));
        assertTrue(mounts.accepts("/"));
        assertTrue(mounts.accepts("/var/lib"));
        assertFalse(mounts.accepts("/snap/core/123"));
        assertFalse(mounts.accepts("/boot"));
        assertTrue(NameFilter.all().accepts("anything"));
    }
}
