package io.logcollect.es.delivery;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of every record handed to a sink task, and so which offsets may be committed: per partition, the
 * records in the order they were handed over, and the offset below which every one of them is done (acknowledged
 * by the engine, sent to the dead-letter queue, or dropped on purpose). Records complete in any order; the
 * committable offset only moves over a gap-free prefix, so it never passes a record whose fate is open.
 *
 * <p>It also counts, for the task's metrics and the pipeline page: records received, acknowledged, dead-lettered
 * and dropped, and how many were let go unacknowledged when their partitions were revoked. Written by the task's
 * thread only; the counters may be read from any thread.
 */
public final class DeliveryLedger {

    /** One record whose fate is open, with what it takes to report it to the dead-letter queue. */
    public static final class Ticket {
        private final Partition partition;
        private final long offset;
        private Object payload;
        private boolean done;

        private Ticket(Partition partition, long offset, Object payload) {
            this.partition = partition;
            this.offset = offset;
            this.payload = payload;
        }

        public TopicPartition topicPartition() {
            return partition.topicPartition;
        }

        public long offset() {
            return offset;
        }

        public Object payload() {
            return payload;
        }

        @Override
        public String toString() {
            return partition.topicPartition + "@" + offset;
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
    private volatile long received;
    private volatile long acknowledged;
    private volatile long deadLettered;
    private volatile long dropped;
    private volatile long letGo;

    /**
     * Records a record handed to the task; {@code payload} is kept until it is done. A record at or below one
     * already registered for its partition means the consumer went back without revoking the partition (Connect
     * rewinds to the last committed offsets when a commit fails): what was tracked of the partition is let go,
     * as on a revocation, so that records done before the rewind cannot carry the committable offset past records
     * handed over again.
     */
    public Ticket register(TopicPartition topicPartition, long offset, Object payload) {
        Partition partition = partitions.computeIfAbsent(topicPartition, Partition::new);
        Ticket last = partition.pending.peekLast();
        long highest = last != null ? last.offset : partition.committable - 1;
        if (offset <= highest) {
            revoke(List.of(topicPartition));
            partition = partitions.computeIfAbsent(topicPartition, Partition::new);
        }
        Ticket ticket = new Ticket(partition, offset, payload);
        partition.pending.addLast(ticket);
        pendingCount++;
        received++;
        return ticket;
    }

    /** The engine acknowledged the record's document. */
    public void acknowledged(Ticket ticket) {
        if (complete(ticket)) {
            acknowledged++;
        }
    }

    /** The record went to the dead-letter queue. */
    public void deadLettered(Ticket ticket) {
        if (complete(ticket)) {
            deadLettered++;
        }
    }

    /** The record is skipped on purpose (a tombstone ignored, a malformed record warned about or ignored). */
    public void dropped(Ticket ticket) {
        if (complete(ticket)) {
            dropped++;
        }
    }

    /** Marks a record done; tickets of partitions revoked meanwhile are ignored. Returns whether it counted. */
    private boolean complete(Ticket ticket) {
        if (ticket.done) {
            return false;
        }
        ticket.done = true;
        ticket.payload = null;
        Partition partition = ticket.partition;
        if (partitions.get(partition.topicPartition) != partition) {
            return false;
        }
        pendingCount--;
        while (!partition.pending.isEmpty() && partition.pending.peekFirst().done) {
            partition.committable = partition.pending.pollFirst().offset + 1;
        }
        return true;
    }

    /** Whether the ticket's partition is still tracked (it was not revoked since the ticket was issued). */
    public boolean isCurrent(Ticket ticket) {
        return partitions.get(ticket.partition.topicPartition) == ticket.partition;
    }

    /** For each partition with progress, the next offset to consume: every record before it is done. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Partition partition : partitions.values()) {
            if (partition.committable >= 0) {
                offsets.put(partition.topicPartition, new OffsetAndMetadata(partition.committable));
            }
        }
        return offsets;
    }

    /**
     * Forgets partitions (revoked): their open records will be delivered again to the next owner. Returns how
     * many records were still open.
     */
    public int revoke(Collection<TopicPartition> topicPartitions) {
        int open = 0;
        for (TopicPartition topicPartition : topicPartitions) {
            Partition partition = partitions.remove(topicPartition);
            if (partition != null) {
                for (Ticket ticket : partition.pending) {
                    if (!ticket.done) {
                        open++;
                    }
                }
            }
        }
        pendingCount -= open;
        letGo += open;
        return open;
    }

    /** Forgets every partition (the task stops); returns how many records were still open. */
    public int revokeAll() {
        return revoke(List.copyOf(partitions.keySet()));
    }

    /** Records registered and not done, over all tracked partitions. */
    public int pending() {
        return pendingCount;
    }

    public long received() {
        return received;
    }

    public long acknowledged() {
        return acknowledged;
    }

    public long deadLettered() {
        return deadLettered;
    }

    public long dropped() {
        return dropped;
    }

    /** Records still open when their partitions were revoked or the task stopped: their next owner sends them. */
    public long letGo() {
        return letGo;
    }
}
