package io.logcollect.es;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void onlyAGapFreePrefixIsCommittable() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Ticket a = tracker.register(P0, 10, "a");
        OffsetTracker.Ticket b = tracker.register(P0, 11, "b");
        OffsetTracker.Ticket c = tracker.register(P0, 12, "c");
        assertEquals(Map.of(), tracker.committable());
        tracker.complete(c);
        tracker.complete(b);
        assertEquals(Map.of(), tracker.committable(), "10 is not done, so nothing is");
        tracker.complete(a);
        assertEquals(Map.of(P0, new OffsetAndMetadata(13)), tracker.committable());
        assertEquals(0, tracker.pending());
    }

    @Test
    void partitionsAreIndependentAndCompletionIsIdempotent() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Ticket a = tracker.register(P0, 0, "a");
        tracker.register(P0, 1, "b");
        OffsetTracker.Ticket c = tracker.register(P1, 5, "c");
        tracker.complete(a);
        tracker.complete(a);
        tracker.complete(c);
        assertEquals(Map.of(P0, new OffsetAndMetadata(1), P1, new OffsetAndMetadata(6)), tracker.committable());
        assertEquals(1, tracker.pending());
    }

    @Test
    void removedPartitionsForgetTheirRecordsAndIgnoreLateCompletions() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Ticket a = tracker.register(P0, 0, "a");
        tracker.register(P1, 0, "b");
        tracker.remove(List.of(P0));
        assertFalse(tracker.isCurrent(a));
        assertEquals(1, tracker.pending());
        tracker.complete(a);
        assertEquals(Map.of(), tracker.committable());
        OffsetTracker.Ticket again = tracker.register(P0, 0, "a");
        tracker.complete(again);
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), tracker.committable());
    }
}
