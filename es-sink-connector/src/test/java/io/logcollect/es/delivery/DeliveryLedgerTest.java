package io.logcollect.es.delivery;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DeliveryLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void onlyAGapFreePrefixIsCommittable() {
        DeliveryLedger ledger = new DeliveryLedger();
        DeliveryLedger.Ticket a = ledger.register(P0, 10, "a");
        DeliveryLedger.Ticket b = ledger.register(P0, 11, "b");
        DeliveryLedger.Ticket c = ledger.register(P0, 12, "c");
        assertEquals(Map.of(), ledger.committable());
        ledger.acknowledged(c);
        ledger.deadLettered(b);
        assertEquals(Map.of(), ledger.committable(), "10 is not done, so nothing is");
        ledger.dropped(a);
        assertEquals(Map.of(P0, new OffsetAndMetadata(13)), ledger.committable());
        assertEquals(0, ledger.pending());
        assertEquals(List.of(3L, 1L, 1L, 1L), List.of(ledger.received(), ledger.acknowledged(),
                ledger.deadLettered(), ledger.dropped()));
    }

    @Test
    void partitionsAreIndependentAndCompletionIsIdempotent() {
        DeliveryLedger ledger = new DeliveryLedger();
        DeliveryLedger.Ticket a = ledger.register(P0, 0, "a");
        ledger.register(P0, 1, "b");
        DeliveryLedger.Ticket c = ledger.register(P1, 5, "c");
        ledger.acknowledged(a);
        ledger.acknowledged(a);
        ledger.acknowledged(c);
        assertEquals(Map.of(P0, new OffsetAndMetadata(1), P1, new OffsetAndMetadata(6)), ledger.committable());
        assertEquals(1, ledger.pending());
        assertEquals(2, ledger.acknowledged());
    }

    @Test
    void revokedPartitionsForgetTheirRecordsAndIgnoreLateCompletions() {
        DeliveryLedger ledger = new DeliveryLedger();
        DeliveryLedger.Ticket a = ledger.register(P0, 0, "a");
        ledger.register(P1, 0, "b");
        assertEquals(1, ledger.revoke(List.of(P0)));
        assertFalse(ledger.isCurrent(a));
        assertEquals(1, ledger.pending());
        assertEquals(1, ledger.letGo());
        ledger.acknowledged(a);
        assertEquals(Map.of(), ledger.committable());
        assertEquals(0, ledger.acknowledged());
        DeliveryLedger.Ticket again = ledger.register(P0, 0, "a");
        ledger.acknowledged(again);
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), ledger.committable());
    }

    /**
     * Connect seeks back to the last committed offsets without revoking when a commit fails. Records done before
     * the rewind must not carry the committable offset past the records handed over again.
     */
    @Test
    void aRewindWithoutRevocationStartsThePartitionOver() {
        DeliveryLedger ledger = new DeliveryLedger();
        DeliveryLedger.Ticket first = ledger.register(P0, 0, "r0");
        DeliveryLedger.Ticket second = ledger.register(P0, 1, "r1");
        DeliveryLedger.Ticket third = ledger.register(P0, 2, "r2");
        ledger.acknowledged(first);
        DeliveryLedger.Ticket again = ledger.register(P0, 1, "r1");
        ledger.acknowledged(second);
        ledger.acknowledged(third);
        assertEquals(Map.of(), ledger.committable(), "the records before the rewind no longer count");
        assertEquals(2, ledger.letGo());
        ledger.acknowledged(again);
        assertEquals(Map.of(P0, new OffsetAndMetadata(2)), ledger.committable());
    }
}
