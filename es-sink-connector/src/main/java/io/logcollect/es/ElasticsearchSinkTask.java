package io.logcollect.es;

import io.logcollect.es.ElasticsearchSinkConfig.MalformedBehavior;
import io.logcollect.es.bulk.BulkAction;
import io.logcollect.es.bulk.BulkEngine;
import io.logcollect.es.bulk.BulkItem;
import io.logcollect.es.bulk.BulkMetrics;
import io.logcollect.es.bulk.BulkSettings;
import io.logcollect.es.bulk.Outcome;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.search.client.EngineInfo;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.es.client.RestClientTransport;
import io.logcollect.search.client.SearchAdmin;
import io.logcollect.search.client.SearchClients;
import io.logcollect.search.client.SearchEngineException;
import io.logcollect.es.document.Document;
import io.logcollect.es.document.IndexNameFormat;
import io.logcollect.es.document.MalformedRecordException;
import io.logcollect.es.document.RecordConverter;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes records to Elasticsearch or OpenSearch through the {@link BulkEngine}. Outcomes come back from the
 * engine's threads through a queue and are applied on the task's thread: acknowledged records become
 * committable, malformed ones go where {@code behavior.on.malformed.documents} says, fatal ones fail the task.
 * When more than {@code max.buffered.records} are unacknowledged the task pauses its partitions and waits
 * (bounded) for the buffer to drain to half before resuming.
 */
public class ElasticsearchSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    /** An outcome, with where the document went ({@code index/_id}), for messages that quote no content. */
    private record Completion(OffsetTracker.Ticket ticket, Outcome outcome, String where) {
    }

    private ElasticsearchSinkConfig config;
    private RestClient client;
    private BulkEngine engine;
    private RecordConverter converter;
    private ErrantRecordReporter reporter;
    private MalformedBehavior malformedBehavior;
    private final OffsetTracker tracker = new OffsetTracker();
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private int maxBuffered;
    private boolean paused;
    private boolean dropInvalid;
    /** Longest a single put() waits for a full buffer to drain (flush.timeout.ms). */
    private long maxPutBlockMs;
    private String failure;
    private String name = "es-sink";

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new ElasticsearchSinkConfig(props);
        name = props.getOrDefault("name", "es-sink") + "-" + props.getOrDefault(ElasticsearchSinkConnector.TASK_ID, "0");
        malformedBehavior = config.malformedBehavior();
        dropInvalid = config.dropInvalidMessages();
        maxPutBlockMs = config.getLong(ElasticsearchSinkConfig.FLUSH_TIMEOUT_MS);
        maxBuffered = config.getInt(ElasticsearchSinkConfig.MAX_BUFFERED_RECORDS);
        reporter = errantRecordReporter();
        if (malformedBehavior == MalformedBehavior.DLQ && reporter == null) {
            throw new ConnectException("behavior.on.malformed.documents=dlq needs a Connect runtime with an errant"
                    + " record reporter (2.6+), errors.tolerance=all and errors.deadletterqueue.topic.name");
        }
        IndexNameFormat indexNames = config.indexNameFormat();
        BulkAction action = switch (config.writeMethod()) {
            case CREATE -> BulkAction.CREATE;
            case INDEX -> BulkAction.INDEX;
            case UPSERT -> BulkAction.UPDATE;
        };
        converter = new RecordConverter(config.idStrategy(), action, indexNames, config.nullValueBehavior());

        client = SearchClients.create(connectionSettings(config));
        try {
            SearchTarget target = new SearchTarget(config, client, name);
            EngineInfo engineInfo = target.detect();
            log.info("Task {} writes to {} at {} ({} ids, {} action, index format {})", name, engineInfo,
                    config.urls(), config.idStrategy().value(), action.json(), indexNames);
            if (config.getBoolean(ElasticsearchSinkConfig.INDEX_TEMPLATE_INSTALL)) {
                target.installTemplate(engineInfo, indexNames, props);
            }
        } catch (RuntimeException e) {
            closeClient();
            throw e;
        }

        int inFlight = config.getInt(ElasticsearchSinkConfig.MAX_IN_FLIGHT_REQUESTS);
        BulkSettings settings = new BulkSettings(
                config.getInt(ElasticsearchSinkConfig.BATCH_SIZE),
                config.getLong(ElasticsearchSinkConfig.BULK_SIZE_BYTES),
                config.getLong(ElasticsearchSinkConfig.LINGER_MS),
                inFlight,
                config.getInt(ElasticsearchSinkConfig.MAX_RETRIES),
                config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MS),
                config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MAX_MS));
        BulkEngine[] holder = new BulkEngine[1];
        BulkMetrics metrics;
        try {
            metrics = SinkMetrics.create(context, () -> holder[0] == null ? 0 : holder[0].outstanding(),
                    () -> holder[0] == null ? 0 : holder[0].inFlightRequests());
        } catch (LinkageError e) {
            metrics = BulkMetrics.NONE;
        }
        engine = new BulkEngine(name, settings, new RestClientTransport(client),
                (item, outcome) -> completions.add(new Completion((OffsetTracker.Ticket) item.tag(), outcome,
                        outcome.kind() == Outcome.Kind.ACKNOWLEDGED ? null
                                : "index " + item.index() + ", _id " + item.id())),
                metrics);
        holder[0] = engine;
        engine.start();
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }

    static ConnectionSettings connectionSettings(ElasticsearchSinkConfig config) {
        int inFlight = config.getInt(ElasticsearchSinkConfig.MAX_IN_FLIGHT_REQUESTS);
        return new ConnectionSettings(
                config.urls(),
                config.getString(ElasticsearchSinkConfig.CONNECTION_PATH_PREFIX),
                config.username(),
                chars(config.password()),
                chars(config.apiKey()),
                config.getBoolean(ElasticsearchSinkConfig.CONNECTION_COMPRESSION),
                config.getInt(ElasticsearchSinkConfig.CONNECTION_TIMEOUT_MS),
                config.getInt(ElasticsearchSinkConfig.READ_TIMEOUT_MS),
                Math.max(10, inFlight + 4),
                blankToNull(config.getString(ElasticsearchSinkConfig.SSL_TRUSTSTORE_LOCATION)),
                chars(config.getPassword(ElasticsearchSinkConfig.SSL_TRUSTSTORE_PASSWORD)),
                config.getString(ElasticsearchSinkConfig.SSL_TRUSTSTORE_TYPE),
                blankToNull(config.getString(ElasticsearchSinkConfig.SSL_KEYSTORE_LOCATION)),
                chars(config.getPassword(ElasticsearchSinkConfig.SSL_KEYSTORE_PASSWORD)),
                config.getString(ElasticsearchSinkConfig.SSL_KEYSTORE_TYPE),
                chars(config.getPassword(ElasticsearchSinkConfig.SSL_KEY_PASSWORD)),
                config.getBoolean(ElasticsearchSinkConfig.SSL_ENDPOINT_IDENTIFICATION_ENABLED));
    }

    private static char[] chars(Password password) {
        return password == null || password.value() == null ? null : password.value().toCharArray();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        applyCompletions(true);
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
            OffsetTracker.Ticket ticket = tracker.register(partition, record.kafkaOffset(), record);
            Document document;
            try {
                document = converter.convert(record);
            } catch (MalformedRecordException e) {
                if (dropInvalid) {
                    log.warn("Task {} drops a record that cannot be a document (drop.invalid.message=true): {}",
                            name, e.summary());
                    tracker.complete(ticket);
                    continue;
                }
                malformed(ticket, record, e.summary(), e.getMessage(), e);
                if (failure != null) {
                    throw new ConnectException("Task " + name + " stops: " + failure, e);
                }
                continue;
            }
            if (document == null) {
                tracker.complete(ticket);
                continue;
            }
            engine.add(new BulkItem(document.action(), document.index(), document.id(), document.source(), ticket));
        }
        applyBackpressure();
    }

    private void applyBackpressure() {
        if (engine.outstanding() < maxBuffered) {
            if (paused) {
                resumeAll();
            }
            return;
        }
        if (!paused) {
            Set<TopicPartition> assignment = context.assignment();
            context.pause(assignment.toArray(TopicPartition[]::new));
            paused = true;
            log.debug("Task {} paused {} partitions: {} records buffered", name, assignment.size(), engine.outstanding());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxPutBlockMs);
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
        context.resume(context.assignment().toArray(TopicPartition[]::new));
        paused = false;
        log.debug("Task {} resumed consumption", name);
    }

    /** Applies the outcomes reported so far; with {@code throwOnFatal}, fails the task on a fatal one. */
    private void applyCompletions(boolean throwOnFatal) {
        for (Completion completion; (completion = completions.poll()) != null; ) {
            OffsetTracker.Ticket ticket = completion.ticket();
            if (!tracker.isCurrent(ticket)) {
                continue;
            }
            Outcome outcome = completion.outcome();
            switch (outcome.kind()) {
                case ACKNOWLEDGED -> tracker.complete(ticket);
                case MALFORMED -> {
                    String document = "the document of record " + coordinates(ticket) + " (" + completion.where()
                            + ")";
                    malformed(ticket, (SinkRecord) ticket.payload(), "the search engine refused " + document + ": "
                            + outcome.summary(), "the search engine refused " + document + ": " + outcome.detail(),
                            null);
                }
                case FATAL -> {
                    if (failure == null) {
                        failure = "cannot index record " + coordinates(ticket) + " (" + completion.where() + "): "
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
    private void malformed(OffsetTracker.Ticket ticket, SinkRecord record, String summary, String detail,
                           Throwable cause) {
        switch (malformedBehavior) {
            case FAIL -> {
                if (failure == null) {
                    failure = summary + " (behavior.on.malformed.documents=fail; set it to warn, ignore or dlq to"
                            + " skip such records)";
                }
            }
            case WARN -> {
                log.warn("Task {} skips a malformed record: {}", name, summary);
                tracker.complete(ticket);
            }
            case IGNORE -> {
                log.debug("Task {} skips a malformed record: {}", name, summary);
                tracker.complete(ticket);
            }
            case DLQ -> {
                reporter.report(record, new MalformedDocumentException(detail, cause));
                tracker.complete(ticket);
            }
        }
    }

    private static String coordinates(OffsetTracker.Ticket ticket) {
        return ticket.topicPartition() + "@" + ticket.offset();
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        applyCompletions(false);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        applyCompletions(false);
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        offsets.keySet().retainAll(currentOffsets.keySet());
        return offsets;
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (paused && !partitions.isEmpty()) {
            context.pause(partitions.toArray(TopicPartition[]::new));
        }
    }

    /**
     * Partitions revoked. Connect has committed what {@link #preCommit} allowed before it calls this, so nothing
     * acknowledged from now on could be committed: what is buffered for those partitions is dropped at once (the
     * next owner re-sends it from the committed offset; deterministic ids make that harmless), and a rebalance
     * never waits for the search engine.
     */
    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (engine == null || partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> closing = new HashSet<>(partitions);
        int dropped = engine.discard(tag -> closing.contains(((OffsetTracker.Ticket) tag).topicPartition()));
        completions.removeIf(completion -> closing.contains(completion.ticket().topicPartition()));
        if (dropped > 0) {
            log.info("Task {} left {} unacknowledged records of revoked partitions {} to their next owner", name,
                    dropped, partitions);
        }
        tracker.remove(partitions);
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.close();
        }
        closeClient();
        log.info("Task {} stopped", name);
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                log.debug("closing the REST client", e);
            }
        }
    }

    /** The exception reported with a record sent to the dead-letter queue; its message is the reason. */
    static final class MalformedDocumentException extends ConnectException {
        private static final long serialVersionUID = 1L;

        MalformedDocumentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
