package io.logcollect.es.delivery;

import io.logcollect.es.ElasticsearchSinkConfig.MalformedBehavior;
import io.logcollect.es.bulk.BulkEngine;
import io.logcollect.es.bulk.BulkItem;
import io.logcollect.es.bulk.BulkListener;
import io.logcollect.es.bulk.Outcome;
import io.logcollect.es.document.Document;
import io.logcollect.es.document.MalformedRecordException;
import io.logcollect.es.document.RecordConverter;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries a sink task's records into a {@link BulkEngine} and keeps the {@link DeliveryLedger} true: what
 * Connect may commit is what the engine acknowledged, what went to the dead-letter queue and what was skipped on
 * purpose, never more. Outcomes come back from the engine's threads through a queue and are applied on the
 * task's thread; a fatal one fails the task. When more than {@code maxBuffered} records are unacknowledged the
 * task's partitions are paused, and a put waits (bounded) for the buffer to drain to half before resuming.
 *
 * <p>This is the task's logic without Connect's lifecycle, so the engine, the ledger and the way they are wired
 * can be tested together under scripted faults.
 */
public final class SinkDelivery implements BulkListener {

    private static final Logger log = LoggerFactory.getLogger(SinkDelivery.class);

    /** The consumer's side, as the task's context offers it. */
    public interface Consumption {
        Set<TopicPartition> assignment();

        void pause(Collection<TopicPartition> partitions);

        void resume(Collection<TopicPartition> partitions);
    }

    /** Where malformed records go with {@code behavior.on.malformed.documents=dlq}. */
    public interface DeadLetters {
        void report(SinkRecord record, Throwable reason);
    }

    /** How records become documents and what happens to those that cannot. */
    public record Settings(MalformedBehavior malformedBehavior, boolean dropInvalid, int maxBuffered,
                           long maxPutBlockMs) {
    }

    /** An outcome, with where the document went ({@code index/_id}), for messages that quote no content. */
    private record Completion(DeliveryLedger.Ticket ticket, Outcome outcome, String where) {
    }

    private final String name;
    private final Settings settings;
    private final RecordConverter converter;
    private final DeadLetters deadLetters;
    private final Consumption consumption;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final SinkStatus status;
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private BulkEngine engine;
    private boolean paused;
    private String failure;

    public SinkDelivery(String name, Settings settings, RecordConverter converter, DeadLetters deadLetters,
                        Consumption consumption, SinkStatus status) {
        this.name = name;
        this.status = status;
        this.settings = settings;
        this.converter = converter;
        this.deadLetters = deadLetters;
        this.consumption = consumption;
    }

    /** The engine to write through; it must report its outcomes to this delivery (it is its listener). */
    public void use(BulkEngine engine) {
        this.engine = engine;
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    /** From the engine's threads. */
    @Override
    public void onOutcome(BulkItem item, Outcome outcome) {
        if (!(item.tag() instanceof DeliveryLedger.Ticket)) {
            return;
        }
        completions.add(new Completion((DeliveryLedger.Ticket) item.tag(), outcome,
                outcome.kind() == Outcome.Kind.ACKNOWLEDGED ? null : "index " + item.index() + ", _id " + item.id()));
    }

    /** Takes records from Connect; fails the task when one cannot be delivered for good. */
    public void put(Collection<SinkRecord> records) {
        applyCompletions(true);
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
            DeliveryLedger.Ticket ticket = ledger.register(partition, record.kafkaOffset(), record);
            Document document;
            try {
                document = converter.convert(record);
            } catch (MalformedRecordException e) {
                if (settings.dropInvalid()) {
                    log.warn("Task {} drops a record that cannot be a document (drop.invalid.message=true): {}",
                            name, e.summary());
                    ledger.dropped(ticket);
                    continue;
                }
                malformed(ticket, record, e.summary(), e.getMessage(), e);
                if (failure != null) {
                    throw new ConnectException("Task " + name + " stops: " + failure, e);
                }
                continue;
            }
            if (document == null) {
                ledger.dropped(ticket);
                continue;
            }
            engine.add(new BulkItem(document.action(), document.index(), document.id(), document.source(), ticket));
        }
        reportStatus();
        applyBackpressure();
    }

    /** The task's status document into the engine, when one is due. */
    private void reportStatus() {
        BulkItem document = status.due(ledger, engine.outstanding(), System.currentTimeMillis());
        if (document != null) {
            engine.add(document);
        }
    }

    private void applyBackpressure() {
        int maxBuffered = settings.maxBuffered();
        if (engine.outstanding() < maxBuffered) {
            if (paused) {
                resumeAll();
            }
            return;
        }
        if (!paused) {
            Set<TopicPartition> assignment = consumption.assignment();
            consumption.pause(assignment);
            paused = true;
            log.debug("Task {} paused {} partitions: {} records buffered", name, assignment.size(),
                    engine.outstanding());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.maxPutBlockMs());
        try {
            while (System.nanoTime() < deadline) {
                if (engine.awaitOutstandingAtMost(maxBuffered / 2, Duration.ofMillis(200), false)) {
                    break;
                }
                applyCompletions(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applyCompletions(true);
        if (engine.outstanding() <= maxBuffered / 2) {
            resumeAll();
        }
    }

    private void resumeAll() {
        consumption.resume(consumption.assignment());
        paused = false;
        log.debug("Task {} resumed consumption", name);
    }

    /** Applies the outcomes reported so far; with {@code throwOnFatal}, fails the task on a fatal one. */
    private void applyCompletions(boolean throwOnFatal) {
        for (Completion completion; (completion = completions.poll()) != null; ) {
            DeliveryLedger.Ticket ticket = completion.ticket();
            if (!ledger.isCurrent(ticket)) {
                continue;
            }
            Outcome outcome = completion.outcome();
            switch (outcome.kind()) {
                case ACKNOWLEDGED -> ledger.acknowledged(ticket);
                case MALFORMED -> {
                    String document = "the document of record " + ticket + " (" + completion.where() + ")";
                    malformed(ticket, (SinkRecord) ticket.payload(), "the search engine refused " + document + ": "
                            + outcome.summary(), "the search engine refused " + document + ": " + outcome.detail(),
                            null);
                }
                case FATAL -> {
                    if (failure == null) {
                        failure = "cannot index record " + ticket + " (" + completion.where() + "): "
                                + outcome.summary();
                    }
                }
            }
        }
        if (failure != null && throwOnFatal) {
            throw new ConnectException("Task " + name + " stops: " + failure);
        }
    }

    /**
     * A record that cannot be indexed for its content. {@code summary} is logged and fails the task; the engine's
     * full reason ({@code detail}), which can quote field values, goes only to the dead-letter queue.
     */
    private void malformed(DeliveryLedger.Ticket ticket, SinkRecord record, String summary, String detail,
                           Throwable cause) {
        switch (settings.malformedBehavior()) {
            case FAIL -> {
                if (failure == null) {
                    failure = summary + " (behavior.on.malformed.documents=fail; set it to warn, ignore or dlq to"
                            + " skip such records)";
                }
            }
            case WARN -> {
                log.warn("Task {} skips a malformed record: {}", name, summary);
                ledger.dropped(ticket);
            }
            case IGNORE -> {
                log.debug("Task {} skips a malformed record: {}", name, summary);
                ledger.dropped(ticket);
            }
            case DLQ -> {
                deadLetters.report(record, new MalformedDocumentException(detail, cause));
                ledger.deadLettered(ticket);
            }
        }
    }

    /** Brings the ledger up to date with the outcomes reported so far, as Connect's flush expects. */
    public void flush() {
        applyCompletions(false);
    }

    /**
     * The offsets Connect may commit for the partitions it asks about: every record before them is done.
     * Partitions without progress are left out, so Connect keeps what it committed last.
     */
    public Map<TopicPartition, OffsetAndMetadata> committable(Set<TopicPartition> asked) {
        applyCompletions(false);
        reportStatus();
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
        offsets.keySet().retainAll(asked);
        return offsets;
    }

    /** Partitions assigned: new ones stay paused while the buffer is full. */
    public void opened(Collection<TopicPartition> partitions) {
        if (paused && !partitions.isEmpty()) {
            consumption.pause(partitions);
        }
    }

    /**
     * Partitions revoked. Connect has committed what {@link #committable} allowed before it calls this, so nothing
     * acknowledged from now on could be committed: what is buffered for those partitions is dropped at once (the
     * next owner re-sends it from the committed offset; deterministic ids make that harmless), and a rebalance
     * never waits for the search engine.
     */
    public void revoked(Collection<TopicPartition> partitions) {
        if (engine == null || partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> closing = new HashSet<>(partitions);
        engine.discard(tag -> tag instanceof DeliveryLedger.Ticket ticket && closing.contains(ticket.topicPartition()));
        completions.removeIf(completion -> closing.contains(completion.ticket().topicPartition()));
        int open = ledger.revoke(partitions);
        if (open > 0) {
            log.warn("Task {} lets go of {} records of partitions {} that the search engine has not acknowledged;"
                    + " their next owner sends them again from the committed offset", name, open, partitions);
        }
    }

    /** The task stops: what is open is left to the next run, which starts from the committed offsets. */
    public void stop() {
        if (engine != null) {
            engine.close();
        }
        int open = ledger.revokeAll();
        if (open > 0) {
            log.warn("Task {} stops with {} records the search engine has not acknowledged; they are sent again"
                    + " from the committed offset when the task runs again", name, open);
        }
    }

    /** The exception reported with a record sent to the dead-letter queue; its message is the reason. */
    public static final class MalformedDocumentException extends ConnectException {
        private static final long serialVersionUID = 1L;

        MalformedDocumentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
