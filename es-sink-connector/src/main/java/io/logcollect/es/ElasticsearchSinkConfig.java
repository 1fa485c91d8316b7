package io.logcollect.es;

import io.logcollect.es.document.IndexNameFormat;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The configuration of {@link ElasticsearchSinkConnector} and its tasks: every key, its default and its meaning. */
public final class ElasticsearchSinkConfig extends AbstractConfig {

    private static final String CONNECTION_GROUP = "Connection";
    private static final String SECURITY_GROUP = "Security";
    private static final String INDEX_GROUP = "Index";
    private static final String DOCUMENT_GROUP = "Document";
    private static final String BULK_GROUP = "Bulk pipeline";
    private static final String ERROR_GROUP = "Errors";

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USERNAME = "connection.username";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String CONNECTION_API_KEY = "connection.api.key";
    public static final String CONNECTION_COMPRESSION = "connection.compression";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    public static final String READ_TIMEOUT_MS = "read.timeout.ms";
    public static final String CONNECTION_PATH_PREFIX = "connection.path.prefix";

    public static final String SSL_TRUSTSTORE_LOCATION = "connection.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "connection.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "connection.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "connection.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "connection.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "connection.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "connection.ssl.key.password";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ENABLED = "connection.ssl.endpoint.identification.enabled";

    public static final String INDEX_NAME_FORMAT = "index.name.format";
    public static final String INDEX_DATE_ZONE = "index.date.zone";
    public static final String DATA_STREAM_ENABLED = "data.stream.enabled";
    public static final String INDEX_TEMPLATE_INSTALL = "index.template.install";
    public static final String INDEX_RETENTION_DAYS = "index.retention.days";
    public static final String INDEX_RETENTION_CHECK_INTERVAL_MS = "index.retention.check.interval.ms";
    public static final String INDEX_TEMPLATE_NAME = "index.template.name";
    public static final String INDEX_TEMPLATE_PATTERNS = "index.template.patterns";
    public static final String INDEX_TEMPLATE_PRIORITY = "index.template.priority";
    public static final String INDEX_TEMPLATE_SHARDS = "index.template.shards";
    public static final String INDEX_TEMPLATE_REPLICAS = "index.template.replicas";
    public static final String INDEX_TEMPLATE_REFRESH_INTERVAL = "index.template.refresh.interval";
    private static final Pattern REFRESH_INTERVAL =
            Pattern.compile("|-1|[0-9]+(nanos|micros|ms|s|m|h|d)");

    public static final String DOCUMENT_ID_STRATEGY = "document.id.strategy";
    /** Confluent's name for the id choice: true is {@code kafka}, false is {@code key}. */
    public static final String KEY_IGNORE = "key.ignore";
    public static final String WRITE_METHOD = "write.method";
    public static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
    public static final String DOCUMENT_INGESTED_TIMESTAMP = "document.ingested.timestamp";

    public static final String BATCH_SIZE = "batch.size";
    public static final String BULK_SIZE_BYTES = "bulk.size.bytes";
    public static final String LINGER_MS = "linger.ms";
    public static final String MAX_IN_FLIGHT_REQUESTS = "max.in.flight.requests";
    public static final String MAX_BUFFERED_RECORDS = "max.buffered.records";

    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String FLUSH_TIMEOUT_MS = "flush.timeout.ms";
    public static final String BEHAVIOR_ON_MALFORMED_DOCUMENTS = "behavior.on.malformed.documents";
    public static final String DROP_INVALID_MESSAGE = "drop.invalid.message";
    public static final String DATA_STREAM_TYPE = "data.stream.type";
    public static final String DATA_STREAM_DATASET = "data.stream.dataset";
    public static final String DATA_STREAM_NAMESPACE = "data.stream.namespace";
    /** Connect's own key: where the errant record reporter sends records; dlq needs it. */
    static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
    public static final String STATUS_INDEX = "status.index";
    public static final String STATUS_INTERVAL_MS = "status.interval.ms";

    /** How a document's {@code _id} is chosen. */
    public enum IdStrategy {
        EVENT_ID("event.id"), KAFKA("kafka"), KEY("key"), NONE("none");

        private final String value;

        IdStrategy(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static IdStrategy of(String value) {
            for (IdStrategy s : values()) {
                if (s.value.equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
            throw new ConfigException(DOCUMENT_ID_STRATEGY, value, "must be one of event.id, kafka, key, none");
        }
    }

    /**
     * The bulk action of a document. CREATE: only if its id is new (a 409 then means "already indexed", which
     * is right for ids that name one line for good); INDEX: replace the document of the id; UPSERT: update it
     * with the record's fields, creating it if absent.
     */
    public enum WriteMethod { CREATE, INDEX, UPSERT }

    /** What a tombstone (null value) does. */
    public enum NullValueBehavior { IGNORE, DELETE, FAIL }

    /** What a document the engine refuses (400) or that cannot be converted does. */
    public enum MalformedBehavior { FAIL, WARN, IGNORE, DLQ }

    public static final ConfigDef CONFIG_DEF = configDef();

    public ElasticsearchSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        checkCrossFieldRules();
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(CONNECTION_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new UrlListValidator(), Importance.HIGH,
                "Comma list of the search engine's HTTP endpoints, e.g. https://es-1:9200,https://es-2:9200. Requests"
                        + " are spread over them round robin; a node that fails is skipped until it answers again.",
                CONNECTION_GROUP, ++order, Width.LONG, "Connection URLs");
        def.define(CONNECTION_USERNAME, Type.STRING, null, Importance.MEDIUM,
                "User for HTTP basic authentication; empty for none.", CONNECTION_GROUP, ++order, Width.SHORT, "Username");
        def.define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                "Password for HTTP basic authentication. Never logged.", CONNECTION_GROUP, ++order, Width.SHORT,
                "Password");
        def.define(CONNECTION_API_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                "API key sent as 'Authorization: ApiKey <value>': the base64 of id:api_key as Elasticsearch returns it"
                        + " in 'encoded'. Takes precedence over basic authentication. Never logged.",
                CONNECTION_GROUP, ++order, Width.LONG, "API key");
        def.define(CONNECTION_COMPRESSION, Type.BOOLEAN, false, Importance.LOW,
                "Gzip request bodies (and accept gzip responses). Saves network, costs CPU on both sides.",
                CONNECTION_GROUP, ++order, Width.SHORT, "Compression");
        def.define(CONNECTION_TIMEOUT_MS, Type.INT, 5_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                "How long to wait for a TCP connection to a node, in milliseconds.", CONNECTION_GROUP, ++order,
                Width.SHORT, "Connection timeout");
        def.define(READ_TIMEOUT_MS, Type.INT, 60_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                "How long to wait for a response to a request (socket timeout), in milliseconds. A bulk request that"
                        + " times out is retried like a 503.", CONNECTION_GROUP, ++order, Width.SHORT, "Read timeout");
        def.define(CONNECTION_PATH_PREFIX, Type.STRING, "", Importance.LOW,
                "Path prefix of every request, for engines behind a reverse proxy (e.g. /es).", CONNECTION_GROUP,
                ++order, Width.SHORT, "Path prefix");

        order = 0;
        def.define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                "Truststore with the CA certificate(s) the engine's HTTPS certificate is checked against. Without it,"
                        + " the JVM's default trust applies.", SECURITY_GROUP, ++order, Width.LONG, "Truststore");
        def.define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the truststore.",
                SECURITY_GROUP, ++order, Width.SHORT, "Truststore password");
        def.define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Truststore type: JKS or PKCS12.",
                SECURITY_GROUP, ++order, Width.SHORT, "Truststore type");
        def.define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                "Keystore with the client certificate and key, for engines that require mutual TLS.", SECURITY_GROUP,
                ++order, Width.LONG, "Keystore");
        def.define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the keystore.",
                SECURITY_GROUP, ++order, Width.SHORT, "Keystore password");
        def.define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Keystore type: JKS or PKCS12.",
                SECURITY_GROUP, ++order, Width.SHORT, "Keystore type");
        def.define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                "Password of the private key in the keystore, when it differs from the keystore password.",
                SECURITY_GROUP, ++order, Width.SHORT, "Key password");
        def.define(SSL_ENDPOINT_IDENTIFICATION_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                "Check that the engine's certificate names the host connected to. Turn off only for test setups.",
                SECURITY_GROUP, ++order, Width.SHORT, "Hostname verification");

        order = 0;
        def.define(INDEX_NAME_FORMAT, Type.STRING, "{topic}-{yyyy.MM.dd}", new IndexFormatValidator(),
                Importance.HIGH,
                "Name of the index (or data stream) a record goes to: '{topic}' is the record's topic in lower case,"
                        + " any other '{...}' is a java.time date pattern applied to the record's timestamp (e.g."
                        + " {yyyy.MM.dd} for one index per day, {yyyy.MM} per month). Patterns finer than a second"
                        + " are not allowed.", INDEX_GROUP, ++order, Width.LONG, "Index name format");
        def.define(INDEX_DATE_ZONE, Type.STRING, "UTC", new ZoneValidator(), Importance.MEDIUM,
                "Time zone the date pattern of index.name.format is applied in, e.g. UTC or Asia/Shanghai.",
                INDEX_GROUP, ++order, Width.SHORT, "Index date zone");
        def.define(DATA_STREAM_TYPE, Type.STRING, "none", ConfigDef.CaseInsensitiveValidString.in("none", "logs",
                        "metrics", "traces", "synthetics"), Importance.LOW,
                "Confluent's way to name a data stream: with a type other than none, documents go to the data stream"
                        + " <type>-<dataset>-<namespace> (op_type=create), as data.stream.enabled with that"
                        + " index.name.format.", INDEX_GROUP, ++order, Width.SHORT, "Data stream type");
        def.define(DATA_STREAM_DATASET, Type.STRING, "", Importance.LOW,
                "The dataset part of the data stream name; required with data.stream.type.", INDEX_GROUP, ++order,
                Width.SHORT, "Data stream dataset");
        def.define(DATA_STREAM_NAMESPACE, Type.STRING, "{topic}", Importance.LOW,
                "The namespace part of the data stream name; {topic} (or Confluent's ${topic}) is the record's"
                        + " topic.", INDEX_GROUP, ++order, Width.SHORT, "Data stream namespace");
        def.define(DATA_STREAM_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                "Write to data streams named by index.name.format (every action is a create; the template installed"
                        + " declares data_stream). Use a format without a date, e.g. logs-{topic}-default: the"
                        + " engine rolls data streams over itself.", INDEX_GROUP, ++order, Width.SHORT, "Data streams");
        def.define(INDEX_TEMPLATE_INSTALL, Type.BOOLEAN, true, Importance.MEDIUM,
                "Install (create or replace) an index template with an explicit log mapping when a task starts:"
                        + " message text; host.name, log.file.path/inode/device_id/fingerprint, event.id and"
                        + " log.flags keyword; @timestamp date; log.offset long; every labels.* keyword. Explicit"
                        + " mapping halves the engine's CPU per"
                        + " document compared with dynamic mapping.", INDEX_GROUP, ++order, Width.SHORT,
                "Install template");
        def.define(INDEX_RETENTION_DAYS, Type.INT, 30, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Days an index is kept after its day: the tasks delete the dated indices of their topics (names"
                        + " index.name.format gives them) on the first day after. 0: keep forever. A topic can have"
                        + " its own: index.retention.days.<topic>=7. Data streams are not swept.", INDEX_GROUP,
                ++order, Width.SHORT, "Retention (days)");
        def.define(INDEX_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(1_000L),
                Importance.LOW, "How often each task looks for indices past their retention (the first time a"
                        + " minute after it starts).", INDEX_GROUP, ++order, Width.SHORT, "Retention check interval");
        def.define(INDEX_TEMPLATE_NAME, Type.STRING, "", Importance.LOW,
                "Name of the index template installed. Empty: logcollect-<connector name>, so that connectors"
                        + " writing different topics keep their own templates.", INDEX_GROUP, ++order, Width.SHORT,
                "Template name");
        def.define(INDEX_TEMPLATE_PATTERNS, Type.LIST, "", Importance.LOW,
                "Index patterns of the template. Empty: derived from index.name.format and the connector's 'topics'"
                        + " (e.g. web_log-* for topic web_log); with 'topics.regex' the topic part becomes '*'.",
                INDEX_GROUP, ++order, Width.LONG, "Template patterns");
        def.define(INDEX_TEMPLATE_PRIORITY, Type.INT, null, ConfigDef.LambdaValidator.with((key, value) -> {
            if (value != null && (Integer) value < 0) {
                throw new ConfigException(key, value, "must be at least 0");
            }
        }, () -> "[0,...], or unset for the derived priority"), Importance.LOW,
                "Priority of the composable template (order of a legacy one). Default: 200 plus the length of the"
                        + " patterns' shortest literal prefix, so the template of topic 'web-api' outranks that of"
                        + " 'web' on web-api indices instead of clashing with it (Elasticsearch refuses overlapping"
                        + " templates of equal priority), and both outrank the built-in logs-*-* at 100.", INDEX_GROUP,
                ++order, Width.SHORT, "Template priority");
        def.define(INDEX_TEMPLATE_SHARDS, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW,
                "index.number_of_shards in the template.", INDEX_GROUP, ++order, Width.SHORT, "Shards");
        def.define(INDEX_TEMPLATE_REPLICAS, Type.INT, 1, ConfigDef.Range.atLeast(0), Importance.LOW,
                "index.number_of_replicas in the template.", INDEX_GROUP, ++order, Width.SHORT, "Replicas");
        def.define(INDEX_TEMPLATE_REFRESH_INTERVAL, Type.STRING, "", ConfigDef.LambdaValidator.with((key, value) -> {
            if (!REFRESH_INTERVAL.matcher((String) value).matches()) {
                throw new ConfigException(key, value, "must be an engine time value such as 500ms, 1s or 30s,"
                        + " -1 (no scheduled refresh), or empty (the engine's default)");
            }
        }, () -> "a time value (500ms, 1s, 30s), -1, or empty"), Importance.LOW,
                "index.refresh_interval in the template: how soon an indexed line is searchable. Empty: the"
                        + " engine's default (1 s, and no refresh while a shard has not been searched for 30 s)."
                        + " Shorter costs the engine more refreshes and smaller segments.", INDEX_GROUP, ++order,
                Width.SHORT, "Refresh interval");

        order = 0;
        def.define(DOCUMENT_ID_STRATEGY, Type.STRING, "event.id",
                ConfigDef.ValidString.in("event.id", "kafka", "key", "none"), Importance.HIGH,
                "The document _id. event.id: the value's event.id (as the file tail source writes it), falling back"
                        + " to kafka when a record has none; kafka: topic+partition+offset; key: the record key as a"
                        + " string (JSON for structured keys), falling back to kafka for null keys; none: the engine"
                        + " generates ids (fastest, but a record re-delivered after a crash is indexed twice).",
                DOCUMENT_GROUP, ++order, Width.SHORT, "Document id");
        def.define(KEY_IGNORE, Type.BOOLEAN, null, Importance.LOW,
                "Confluent's sink's name for the id choice, for configs brought from it: true means"
                        + " document.id.strategy=kafka, false means document.id.strategy=key. Unset by default.",
                DOCUMENT_GROUP, ++order, Width.SHORT, "Key ignore");
        def.define(WRITE_METHOD, Type.STRING, null, ConfigDef.LambdaValidator.with((key, value) -> {
                    if (value != null && !List.of("create", "index", "insert", "upsert").contains(value)) {
                        throw new ConfigException(key, value, "must be create, index, insert or upsert");
                    }
                }, () -> "create, index, insert (Confluent's name for index) or upsert"), Importance.MEDIUM,
                "Bulk action. create: index a document only if its _id is new; a 409 then counts as delivered"
                        + " (exactly once for the deterministic ids of event.id and kafka). index (or Confluent's"
                        + " insert): a document replaces the one with its _id. upsert: update the document of the"
                        + " _id with the record's fields, creating it when absent. Default: create, or index with"
                        + " document.id.strategy=key, whose later records for a key are newer versions of the"
                        + " document (create would drop them).", DOCUMENT_GROUP, ++order, Width.SHORT, "Write method");
        def.define(BEHAVIOR_ON_NULL_VALUES, Type.STRING, "ignore", ConfigDef.ValidString.in("ignore", "delete", "fail"),
                Importance.LOW,
                "What a record with a null value (tombstone) does: ignore it, delete the document of its key (needs"
                        + " document.id.strategy=key: a tombstone has no event.id, and its own offset names no"
                        + " document), or fail the task.", DOCUMENT_GROUP, ++order, Width.SHORT, "Null values");
        def.define(DOCUMENT_INGESTED_TIMESTAMP, Type.BOOLEAN, true, Importance.LOW,
                "Add event.ingested (when the sink sent the document, UTC, milliseconds) to every document it indexes"
                        + " or creates, as Elastic's agents do: the console's live tail follows it, so a line that"
                        + " reaches the index late (after an outage, or with a skewed clock) is still shown. Turn it"
                        + " off for an index whose mapping is strict and has no event.ingested.", DOCUMENT_GROUP,
                ++order, Width.SHORT, "Ingested timestamp");

        order = 0;
        def.define(BATCH_SIZE, Type.INT, 2000, ConfigDef.Range.between(1, 100_000), Importance.MEDIUM,
                "Maximum documents per _bulk request.", BULK_GROUP, ++order, Width.SHORT, "Batch size");
        def.define(BULK_SIZE_BYTES, Type.LONG, 5L * 1024 * 1024, ConfigDef.Range.atLeast(1024L), Importance.MEDIUM,
                "Maximum body size of a _bulk request in bytes, before compression (a single larger document is sent"
                        + " alone).", BULK_GROUP, ++order, Width.SHORT, "Bulk size");
        def.define(LINGER_MS, Type.LONG, 10L, ConfigDef.Range.atLeast(0L), Importance.LOW,
                "How long a batch that is not full waits for more documents before it is sent, in milliseconds."
                        + " Short, because Connect hands the task what the consumer fetched at once (the consumer"
                        + " already waits up to fetch.max.wait.ms for fetch.min.bytes): waiting longer adds"
                        + " latency, not fuller batches.",
                BULK_GROUP, ++order, Width.SHORT, "Linger");
        def.define(MAX_IN_FLIGHT_REQUESTS, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.MEDIUM,
                "_bulk requests a task keeps in flight at once.", BULK_GROUP, ++order, Width.SHORT, "In flight");
        def.define(MAX_BUFFERED_RECORDS, Type.INT, 20_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                "Records a task holds that the engine has not acknowledged yet. When reached, the task pauses"
                        + " consumption of its partitions until the buffer is half empty.", BULK_GROUP, ++order,
                Width.SHORT, "Buffered records");

        order = 0;
        def.define(MAX_RETRIES, Type.INT, 30, ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                "Retries of a document that failed with 429, 5xx, a timeout or a connection error; -1 retries for"
                        + " ever. When exhausted the task fails (its offsets are not committed, nothing is lost).",
                ERROR_GROUP, ++order, Width.SHORT, "Max retries");
        def.define(RETRY_BACKOFF_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(1L), Importance.LOW,
                "Backoff before the first retry, in milliseconds; doubled at every retry, with random jitter.",
                ERROR_GROUP, ++order, Width.SHORT, "Retry backoff");
        def.define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1L), Importance.LOW,
                "Longest backoff between two retries, in milliseconds. With the defaults a document is retried for"
                        + " about four minutes.", ERROR_GROUP, ++order, Width.SHORT, "Max retry backoff");
        def.define(FLUSH_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.between(1L, 240_000L), Importance.LOW,
                "How long one put() waits for buffer space (see max.buffered.records) as records are added, in"
                        + " milliseconds, as in Confluent's sink; it then returns to Connect with its partitions paused"
                        + " and waits again at the next put(). Keep it well below the consumer's max.poll.interval.ms."
                        + " Revoked partitions and stopping tasks never wait: what is not acknowledged by then could"
                        + " not be committed anyway, and is re-sent by the next owner.",
                ERROR_GROUP, ++order, Width.SHORT, "Flush timeout");
        def.define(BEHAVIOR_ON_MALFORMED_DOCUMENTS, Type.STRING, "fail",
                ConfigDef.ValidString.in("fail", "warn", "ignore", "dlq"), Importance.MEDIUM,
                "What a document the engine refuses (400 mapping or parse error, 413 too large) or a value that"
                        + " cannot be turned into a document does: fail the task, warn (log the index, id and error"
                        + " type, and skip it), ignore (skip it, logged at debug level), or dlq (send the record to"
                        + " Connect's dead-letter queue through the errant record reporter, with the engine's full"
                        + " reason; needs errors.tolerance=all and errors.deadletterqueue.topic.name).", ERROR_GROUP,
                ++order, Width.SHORT, "Malformed documents");
        def.define(STATUS_INTERVAL_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0L), Importance.LOW,
                "How often each task indexes its own status (its delivery ledger: records received, acknowledged,"
                        + " dead-lettered, dropped on purpose, let go at a revocation, open, and the offsets it lets"
                        + " Connect commit) into status.index, for the console's pipeline page. 0: never.",
                ERROR_GROUP, ++order, Width.SHORT, "Status interval");
        def.define(STATUS_INDEX, Type.STRING, "logcollect-status-{yyyy.MM.dd}", new IndexFormatValidator(),
                Importance.LOW, "Index name format of the task's status documents: a date pattern in braces,"
                        + " no {topic}; by default the agents' daily status indices.", ERROR_GROUP, ++order,
                Width.MEDIUM, "Status index");
        def.define(DROP_INVALID_MESSAGE, Type.BOOLEAN, false, Importance.LOW,
                "Confluent's key: when true, a record whose value cannot be turned into a document (not JSON, not"
                        + " an object) is dropped with a warning, whatever behavior.on.malformed.documents says.",
                ERROR_GROUP, ++order, Width.SHORT, "Drop invalid messages");
        return def;
    }

    private void checkCrossFieldRules() {
        if (get(KEY_IGNORE) != null && originals().containsKey(DOCUMENT_ID_STRATEGY)
                && idStrategy() != (getBoolean(KEY_IGNORE) ? IdStrategy.KAFKA : IdStrategy.KEY)) {
            throw new ConfigException(KEY_IGNORE, getBoolean(KEY_IGNORE), "contradicts " + DOCUMENT_ID_STRATEGY + "="
                    + getString(DOCUMENT_ID_STRATEGY) + " (key.ignore=true means kafka, false means key); set one");
        }
        if (nullValueBehavior() == NullValueBehavior.DELETE && idStrategy() != IdStrategy.KEY) {
            throw new ConfigException(BEHAVIOR_ON_NULL_VALUES, "delete", "deleting on tombstones needs"
                    + " document.id.strategy=key: a tombstone has no value, so with " + idStrategy().value()
                    + " ids it would delete the id of its own offset, which names no document");
        }
        if (writeMethod() == WriteMethod.CREATE && idStrategy() == IdStrategy.KEY) {
            throw new ConfigException(WRITE_METHOD, "create", "with document.id.strategy=key a later record of a"
                    + " key is a newer version of its document, which create would drop (409): use index or upsert");
        }
        if (writeMethod() == WriteMethod.UPSERT && idStrategy() == IdStrategy.NONE) {
            throw new ConfigException(WRITE_METHOD, "upsert", "upsert needs document ids: set document.id.strategy");
        }
        if (dataStreams() && writeMethod() != WriteMethod.CREATE) {
            throw new ConfigException(WRITE_METHOD, getString(WRITE_METHOD), "data streams only take new documents"
                    + " (op_type=create): " + WRITE_METHOD + " must be create with data streams");
        }
        if (!dataStreamType().isEmpty()) {
            if (getString(DATA_STREAM_DATASET).isBlank()) {
                throw new ConfigException(DATA_STREAM_DATASET, "", "is required with data.stream.type="
                        + dataStreamType());
            }
            if (originals().containsKey(INDEX_NAME_FORMAT)) {
                throw new ConfigException(INDEX_NAME_FORMAT, getString(INDEX_NAME_FORMAT), "contradicts"
                        + " data.stream.type, which names the data stream <type>-<dataset>-<namespace>; set one");
            }
        }
        if (malformedBehavior() == MalformedBehavior.DLQ) {
            Object tolerance = originals().get("errors.tolerance");
            Object topic = originals().get(DLQ_TOPIC);
            if (tolerance == null || !"all".equalsIgnoreCase(tolerance.toString().trim())
                    || topic == null || topic.toString().isBlank()) {
                throw new ConfigException(BEHAVIOR_ON_MALFORMED_DOCUMENTS, "dlq", "dlq needs errors.tolerance=all and "
                        + DLQ_TOPIC + " (the topic the malformed records go to); without a topic Connect only logs them");
            }
        }
        if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, getLong(RETRY_BACKOFF_MAX_MS),
                    "must not be smaller than " + RETRY_BACKOFF_MS);
        }
        boolean apiKey = getPassword(CONNECTION_API_KEY) != null;
        boolean user = username() != null;
        if (!apiKey && user != (getPassword(CONNECTION_PASSWORD) != null)) {
            throw new ConfigException(CONNECTION_USERNAME, username(),
                    "connection.username and connection.password go together");
        }
    }

    public List<String> urls() {
        return getList(CONNECTION_URL).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public String username() {
        String user = getString(CONNECTION_USERNAME);
        return user == null || user.isBlank() ? null : user;
    }

    public Password password() {
        return getPassword(CONNECTION_PASSWORD);
    }

    public Password apiKey() {
        return getPassword(CONNECTION_API_KEY);
    }

    /** The id strategy: document.id.strategy, or Confluent's key.ignore when only that is set. */
    public IdStrategy idStrategy() {
        if (get(KEY_IGNORE) != null && !originals().containsKey(DOCUMENT_ID_STRATEGY)) {
            return getBoolean(KEY_IGNORE) ? IdStrategy.KAFKA : IdStrategy.KEY;
        }
        return IdStrategy.of(getString(DOCUMENT_ID_STRATEGY));
    }

    /** The write method; unset, create, or index for key ids. */
    public WriteMethod writeMethod() {
        String method = getString(WRITE_METHOD);
        if (method == null) {
            return idStrategy() == IdStrategy.KEY ? WriteMethod.INDEX : WriteMethod.CREATE;
        }
        return switch (method) {
            case "insert", "index" -> WriteMethod.INDEX;
            case "upsert" -> WriteMethod.UPSERT;
            default -> WriteMethod.CREATE;
        };
    }

    public boolean dropInvalidMessages() {
        return getBoolean(DROP_INVALID_MESSAGE);
    }

    /** The data stream type in lower case, or empty when it is none. */
    private String dataStreamType() {
        String type = getString(DATA_STREAM_TYPE).trim().toLowerCase(Locale.ROOT);
        return type.equals("none") ? "" : type;
    }

    public NullValueBehavior nullValueBehavior() {
        return NullValueBehavior.valueOf(getString(BEHAVIOR_ON_NULL_VALUES).toUpperCase(Locale.ROOT));
    }

    public MalformedBehavior malformedBehavior() {
        return MalformedBehavior.valueOf(getString(BEHAVIOR_ON_MALFORMED_DOCUMENTS).toUpperCase(Locale.ROOT));
    }

    /** Where documents go: index.name.format, or the data stream data.stream.type names. */
    public IndexNameFormat indexNameFormat() {
        String format = dataStreamType().isEmpty() ? getString(INDEX_NAME_FORMAT)
                : dataStreamType() + "-" + getString(DATA_STREAM_DATASET).trim() + "-"
                + getString(DATA_STREAM_NAMESPACE).trim().replace("${topic}", "{topic}");
        return IndexNameFormat.parse(format, ZoneId.of(getString(INDEX_DATE_ZONE)));
    }

    /** {@code index.retention.days.<topic>} overrides, by topic; a value that is not a whole number is refused. */
    public Map<String, Integer> retentionDaysByTopic() {
        Map<String, Integer> days = new HashMap<>();
        originalsWithPrefix(INDEX_RETENTION_DAYS + ".").forEach((topic, value) -> {
            try {
                int parsed = Integer.parseInt(String.valueOf(value).trim());
                if (parsed < 0) {
                    throw new NumberFormatException();
                }
                days.put(topic, parsed);
            } catch (NumberFormatException e) {
                throw new ConfigException(INDEX_RETENTION_DAYS + "." + topic, value, "must be a whole number of days,"
                        + " 0 or more");
            }
        });
        return days;
    }

    public boolean dataStreams() {
        return getBoolean(DATA_STREAM_ENABLED) || !dataStreamType().isEmpty();
    }

    private static final class UrlListValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> urls = (List<String>) value;
            if (urls == null || urls.stream().allMatch(String::isBlank)) {
                throw new ConfigException(name, value, "at least one http(s)://host:port URL is needed");
            }
            for (String url : urls) {
                if (url.isBlank()) {
                    continue;
                }
                try {
                    URI uri = URI.create(url.trim());
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                        throw new ConfigException(name, url, "not an http(s)://host:port URL");
                    }
                    if (uri.getUserInfo() != null) {
                        throw new ConfigException(name, "(hidden)",
                                "credentials in the URL are not allowed: use connection.username/password");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, url, "not an http(s)://host:port URL");
                }
            }
        }

        @Override
        public String toString() {
            return "comma list of http(s)://host:port";
        }
    }

    private static final class ZoneValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                ZoneId.of((String) value);
            } catch (DateTimeException | NullPointerException e) {
                throw new ConfigException(name, value, "not a time zone id (e.g. UTC, Europe/Paris)");
            }
        }

        @Override
        public String toString() {
            return "a java.time zone id";
        }
    }

    private static final class IndexFormatValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                IndexNameFormat.parse((String) value, ZoneId.of("UTC"));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "text with {topic} and {date pattern} placeholders";
        }
    }
}
