package io.logcollect.tail.engine;

import io.logcollect.tail.record.StatusRecords;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task's status records from the engine's counters (in this package to set them as the engine does). */
class StatusRecordsTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(SourceRecord record) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) record.value()).get("logcollect"))
                .get("status");
    }

    @Test
    void countsSinceThePreviousStatusAndNoOffset() {
        TailStats stats = new TailStats();
        StatusRecords records = new StatusRecords("status", "web-01", "agent-0", "0.1", "web", "abc");
        stats.lines = 100;
        stats.bytes = 5000;
        stats.events = 90;
        stats.filesTracked = 3;
        stats.bytesBehind = 1200;
        stats.mostBehind = List.of(new TailStats.FileLag("/var/log/a.log", 1000), new TailStats.FileLag("/var/log/b.log", 200));
        SourceRecord first = records.status(stats, 1_000, 10_000);
        assertNull(first.sourcePartition());
        assertNull(first.sourceOffset());
        assertEquals("status", first.topic());
        Map<String, Object> status = status(first);
        assertEquals(100L, status.get("lines"));
        assertEquals(1200L, status.get("bytes_behind"));
        assertEquals(List.of(Map.of("path", "/var/log/a.log", "bytes", 1000L), Map.of("path", "/var/log/b.log", "bytes", 200L)),
                status.get("most_behind"));
        stats.lines = 130;
        assertEquals(30L, status(records.status(stats, 2_000, 10_000)).get("lines"));
    }

    @Test
    void aBacklogGrowingWhileLinesAreReadIsFallingBehindUntilItShrinks() {
        TailStats stats = new TailStats();
        StatusRecords records = new StatusRecords("status", "web-01", "agent-0", "0.1", "web", "abc");
        for (int i = 0; i <= StatusRecords.FALLING_BEHIND_INTERVALS; i++) {
            stats.lines += 1000;
            stats.bytesBehind += 1 << 20;
            boolean falling = (Boolean) status(records.status(stats, i, 10_000)).get("falling_behind");
            assertEquals(i == StatusRecords.FALLING_BEHIND_INTERVALS, falling, "status " + i);
        }
        assertTrue(records.fallingBehind());
        stats.lines += 1000;
        stats.bytesBehind -= 1;
        status(records.status(stats, 100, 10_000));
        assertFalse(records.fallingBehind());
    }
}
