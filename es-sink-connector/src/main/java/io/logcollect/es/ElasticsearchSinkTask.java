package io.logcollect.es;

import io.logcollect.es.ElasticsearchSinkConfig.MalformedBehavior;
import io.logcollect.es.bulk.BulkAction;
import io.logcollect.es.bulk.BulkEngine;
import io.logcollect.es.bulk.BulkSettings;
import io.logcollect.es.client.RestClientTransport;
import io.logcollect.es.delivery.SinkDelivery;
import io.logcollect.es.delivery.SinkStatus;
import io.logcollect.es.document.IndexNameFormat;
import io.logcollect.es.document.RecordConverter;
import io.logcollect.es.retention.IndexRetention;
import io.logcollect.es.retention.RetentionSchedule;
import io.logcollect.host.HostIdentity;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.search.client.EngineInfo;
import io.logcollect.search.client.SearchAdmin;
import io.logcollect.search.client.SearchClients;
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
import java.time.Clock;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Writes records to Elasticsearch or OpenSearch: sets up the REST client, the index template and a
 * {@link BulkEngine}, and hands Connect's calls to a {@link SinkDelivery}, which keeps the offsets Connect may
 * commit true to what the engine acknowledged.
 */
public class ElasticsearchSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    private String name = "es-sink";
    private RestClient client;
    private SinkDelivery delivery;
    private SinkMetrics.Registration metrics;
    private RetentionSchedule retention;
    /** The topics of the partitions assigned now, for the retention sweeps' thread (the consumer is not shared). */
    private final Set<String> assignedTopics = ConcurrentHashMap.newKeySet();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(props);
        name = props.getOrDefault("name", "es-sink") + "-"
                + props.getOrDefault(ElasticsearchSinkConnector.TASK_ID, "0");
        MalformedBehavior malformedBehavior = config.malformedBehavior();
        ErrantRecordReporter reporter = errantRecordReporter();
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
        RecordConverter converter = new RecordConverter(config.idStrategy(), action, indexNames,
                config.nullValueBehavior());

        SinkStatus.Settings statusSettings = statusSettings(config, props);
        client = SearchClients.create(connectionSettings(config));
        try {
            SearchTarget target = new SearchTarget(config, client, name);
            EngineInfo engineInfo = target.detect();
            log.info("Task {} writes to {} at {} ({} ids, {} action, index format {})", name, engineInfo,
                    config.urls(), config.idStrategy().value(), action.json(), indexNames);
            if (config.getBoolean(ElasticsearchSinkConfig.INDEX_TEMPLATE_INSTALL)) {
                target.installTemplate(engineInfo, indexNames, props);
                if (statusSettings.intervalMs() > 0) {
                    target.installStatusTemplate(engineInfo, statusSettings.index());
                }
            }
        } catch (RuntimeException e) {
            closeClient();
            throw e;
        }

        BulkSettings settings = new BulkSettings(
                config.getInt(ElasticsearchSinkConfig.BATCH_SIZE),
                config.getLong(ElasticsearchSinkConfig.BULK_SIZE_BYTES),
                config.getLong(ElasticsearchSinkConfig.LINGER_MS),
                config.getInt(ElasticsearchSinkConfig.MAX_IN_FLIGHT_REQUESTS),
                config.getInt(ElasticsearchSinkConfig.MAX_RETRIES),
                config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MS),
                config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MAX_MS),
                requestTimeoutMillis(config),
                config.getBoolean(ElasticsearchSinkConfig.DOCUMENT_INGESTED_TIMESTAMP));
        delivery = new SinkDelivery(name, new SinkDelivery.Settings(malformedBehavior, config.dropInvalidMessages(),
                config.getInt(ElasticsearchSinkConfig.MAX_BUFFERED_RECORDS),
                config.getLong(ElasticsearchSinkConfig.FLUSH_TIMEOUT_MS)), converter,
                reporter == null ? null : reporter::report, new TaskConsumption(),
                new SinkStatus(statusSettings));
        metrics = SinkMetrics.register(context);
        BulkEngine engine = new BulkEngine(name, settings, new RestClientTransport(client), delivery,
                metrics.bulk());
        metrics.watch(engine, delivery.ledger());
        delivery.use(engine);
        engine.start();
        retention = retention(config, indexNames);
    }

    /** The sweeps of indices past index.retention.days, unless every topic keeps its indices forever. */
    private RetentionSchedule retention(ElasticsearchSinkConfig config, IndexNameFormat indexNames) {
        int days = config.getInt(ElasticsearchSinkConfig.INDEX_RETENTION_DAYS);
        Map<String, Integer> byTopic = config.retentionDaysByTopic();
        if (config.dataStreams() || !indexNames.hasDate() || days == 0 && byTopic.values().stream()
                .allMatch(d -> d == 0)) {
            return null;
        }
        IndexRetention sweeps = new IndexRetention(new SearchAdmin(client), indexNames, days, byTopic,
                Clock.system(ZoneId.of(config.getString(ElasticsearchSinkConfig.INDEX_DATE_ZONE))));
        return RetentionSchedule.start(name, sweeps, () -> Set.copyOf(assignedTopics),
                config.getLong(ElasticsearchSinkConfig.INDEX_RETENTION_CHECK_INTERVAL_MS));
    }

    /** The task names itself as the tail's tasks do: one host identity, the worker's id, connector and task. */
    private static SinkStatus.Settings statusSettings(ElasticsearchSinkConfig config, Map<String, String> props) {
        String host = HostIdentity.resolve(null);
        String agentId = HostIdentity.agentId(host, props.getOrDefault("name", "es-sink"),
                props.getOrDefault(ElasticsearchSinkConnector.TASK_ID, "0"));
        IndexNameFormat index = IndexNameFormat.parse(config.getString(ElasticsearchSinkConfig.STATUS_INDEX),
                ZoneId.of(config.getString(ElasticsearchSinkConfig.INDEX_DATE_ZONE)));
        return new SinkStatus.Settings(host, agentId, Version.get(), index,
                config.getLong(ElasticsearchSinkConfig.STATUS_INTERVAL_MS));
    }

    /**
     * How long a bulk request may go without an answer or an error from the REST client: connecting, then waiting
     * for a pooled connection and for the answer, a read timeout each, and a few seconds more. The client enforces
     * these itself; the engine's own deadline only catches an answer that never comes.
     */
    static long requestTimeoutMillis(ElasticsearchSinkConfig config) {
        return config.getInt(ElasticsearchSinkConfig.CONNECTION_TIMEOUT_MS)
                + 2L * config.getInt(ElasticsearchSinkConfig.READ_TIMEOUT_MS) + 5_000;
    }

    /** The task's consumer, through Connect's context. */
    private final class TaskConsumption implements SinkDelivery.Consumption {
        @Override
        public Set<TopicPartition> assignment() {
            return context.assignment();
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            context.pause(partitions.toArray(TopicPartition[]::new));
        }

        @Override
        public void resume(Collection<TopicPartition> partitions) {
            context.resume(partitions.toArray(TopicPartition[]::new));
        }
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
        delivery.put(records);
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        delivery.flush();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return delivery.committable(currentOffsets.keySet());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        delivery.opened(partitions);
        assignedTopics.addAll(topics(partitions));
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        delivery.revoked(partitions);
        Set<TopicPartition> remaining = new HashSet<>(context.assignment());
        remaining.removeAll(partitions);
        assignedTopics.retainAll(topics(remaining));
    }

    private static Set<String> topics(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::topic).collect(Collectors.toCollection(HashSet::new));
    }

    @Override
    public void stop() {
        if (retention != null) {
            retention.close();
        }
        if (delivery != null) {
            delivery.stop();
        }
        if (metrics != null) {
            metrics.close();
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
}
