package io.logcollect.es;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which offsets may be committed: per partition, the records handed to the task in order, and the offset
 * below which every one of them is done (acknowledged by the engine, skipped, or sent to the dead-letter
 * queue). Records complete in any order; the committable offset only moves over a gap-free prefix. Used from
 * the task's thread only.
 */
final class OffsetTracker {

    /** One record in flight, with what it takes to report it to the dead-letter queue. */
    static final class Ticket {
        private final Partition partition;
        private final long offset;
        private Object payload;
        private boolean done;

        private Ticket(Partition partition, long offset, Object payload) {
            this.partition = partition;
            this.offset = offset;
            this.payload = payload;
        }

        TopicPartition topicPartition() {
            return partition.topicPartition;
        }

        long offset() {
            return offset;
        }

        Object payload() {
            return payload;
        }
    }

    private static final class Partition {
        private final TopicPartition topicPartition;
        private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
        private long committable = -1;

        private Partition(TopicPartition topicPartition) {
            this.topicPartition = topicPartition;
        }
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private int pendingCount;

    /** Records a record handed to the task; {@code payload} is kept until it is done. */
    Ticket register(TopicPartition topicPartition, long offset, Object payload) {
        Partition partition = partitions.computeIfAbsent(topicPartition, Partition::new);
        Ticket ticket = new Ticket(partition, offset, payload);
        partition.pending.addLast(ticket);
        pendingCount++;
        return ticket;
    }

    /** Marks a record done; tickets of partitions removed meanwhile are ignored. Idempotent. */
    void complete(Ticket ticket) {
        if (ticket.done) {
            return;
        }
        ticket.done = true;
        ticket.payload = null;
        Partition partition = ticket.partition;
        if (partitions.get(partition.topicPartition) != partition) {
            return;
        }
        pendingCount--;
        while (!partition.pending.isEmpty() && partition.pending.peekFirst().done) {
            partition.committable = partition.pending.pollFirst().offset + 1;
        }
    }

    /** Whether the ticket's partition is still tracked (it was not closed since the ticket was issued). */
    boolean isCurrent(Ticket ticket) {
        return partitions.get(ticket.partition.topicPartition) == ticket.partition;
    }

    /** For each partition with progress, the next offset to consume: every record before it is done. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Partition partition : partitions.values()) {
            if (partition.committable >= 0) {
                offsets.put(partition.topicPartition, new OffsetAndMetadata(partition.committable));
            }
        }
        return offsets;
    }

    /** Forgets partitions (revoked): their pending records will be re-delivered to the next owner. */
    void remove(Collection<TopicPartition> topicPartitions) {
        for (TopicPartition topicPartition : topicPartitions) {
            Partition partition = partitions.remove(topicPartition);
            if (partition != null) {
                for (Ticket ticket : partition.pending) {
                    if (!ticket.done) {
                        pendingCount--;
                    }
                }
            }
        }
    }

    /** Records registered and not done, over all tracked partitions. */
    int pending() {
        return pendingCount;
    }
}
