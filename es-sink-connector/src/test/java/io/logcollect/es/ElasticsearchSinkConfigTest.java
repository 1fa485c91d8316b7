package io.logcollect.es;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElasticsearchSinkConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", "http://127.0.0.1:9200");
        return props;
    }

    @Test
    void everyKeyOfTheDesignExistsAndIsDocumented() {
        Set<String> names = ElasticsearchSinkConfig.CONFIG_DEF.names();
        for (String key : List.of("connection.url", "connection.username", "connection.password", "connection.api.key",
                "connection.ssl.truststore.location", "connection.ssl.truststore.password",
                "connection.ssl.truststore.type", "connection.ssl.keystore.location", "connection.ssl.keystore.password",
                "connection.ssl.keystore.type", "connection.ssl.endpoint.identification.enabled",
                "connection.compression", "connection.timeout.ms", "read.timeout.ms", "index.name.format",
                "index.date.zone", "data.stream.enabled", "index.template.install", "document.id.strategy",
                "write.method", "batch.size", "bulk.size.bytes", "linger.ms", "max.in.flight.requests",
                "max.buffered.records", "max.retries", "retry.backoff.ms", "retry.backoff.max.ms", "flush.timeout.ms",
                "behavior.on.null.values", "behavior.on.malformed.documents")) {
            assertTrue(names.contains(key), key);
        }
        for (ConfigDef.ConfigKey key : ElasticsearchSinkConfig.CONFIG_DEF.configKeys().values()) {
            assertFalse(key.documentation == null || key.documentation.isBlank(), key.name);
        }
        assertEquals(ConfigDef.Type.PASSWORD, ElasticsearchSinkConfig.CONFIG_DEF.configKeys().get("connection.password").type);
        assertEquals(ConfigDef.Type.PASSWORD, ElasticsearchSinkConfig.CONFIG_DEF.configKeys().get("connection.api.key").type);
    }

    @Test
    void defaultsAreThoseOfTheDesign() {
        ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(minimal());
        assertEquals("{topic}-{yyyy.MM.dd}", config.getString("index.name.format"));
        assertEquals("UTC", config.getString("index.date.zone"));
        assertEquals(ElasticsearchSinkConfig.IdStrategy.EVENT_ID, config.idStrategy());
        assertEquals(ElasticsearchSinkConfig.WriteMethod.CREATE, config.writeMethod());
        assertEquals(ElasticsearchSinkConfig.NullValueBehavior.IGNORE, config.nullValueBehavior());
        assertEquals(ElasticsearchSinkConfig.MalformedBehavior.FAIL, config.malformedBehavior());
        assertTrue(config.getBoolean("index.template.install"));
        assertFalse(config.dataStreams());
    }

    @Test
    void refusesBadValuesWithTheKeyInTheMessage() {
        Map<String, String> props = minimal();
        props.put("connection.url", "ftp://x");
        assertTrue(assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(props)).getMessage()
                .contains("connection.url"));
        Map<String, String> zone = minimal();
        zone.put("index.date.zone", "Mars/Olympus");
        assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(zone));
        Map<String, String> format = minimal();
        format.put("index.name.format", "{topic}-{yyyy.MM.dd");
        assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(format));
        Map<String, String> delete = minimal();
        delete.put("behavior.on.null.values", "delete");
        delete.put("document.id.strategy", "none");
        assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(delete));
        Map<String, String> userOnly = minimal();
        userOnly.put("connection.username", "elastic");
        assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(userOnly));
        Map<String, String> credentialsInUrl = minimal();
        credentialsInUrl.put("connection.url", "https://elastic:secret-pw@127.0.0.1:9200");
        ConfigException e = assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(credentialsInUrl));
        assertFalse(e.getMessage().contains("secret-pw"), e.getMessage());
        Map<String, String> refresh = minimal();
        refresh.put("index.template.refresh.interval", "half a second");
        assertTrue(assertThrows(ConfigException.class, () -> new ElasticsearchSinkConfig(refresh)).getMessage()
                .contains("index.template.refresh.interval"));
        for (String accepted : List.of("", "-1", "500ms", "1s", "30s")) {
            refresh.put("index.template.refresh.interval", accepted);
            assertEquals(accepted, new ElasticsearchSinkConfig(refresh)
                    .getString("index.template.refresh.interval"));
        }
    }

    @Test
    void connectorValidationNeedsErrorsToleranceAllAndATopicForDlq() {
        Map<String, String> props = minimal();
        props.put("behavior.on.malformed.documents", "dlq");
        ConfigValue value = new ElasticsearchSinkConnector().validate(props).configValues().stream()
                .filter(v -> v.name().equals("behavior.on.malformed.documents")).findFirst().orElseThrow();
        assertEquals(1, value.errorMessages().size());
        props.put("errors.tolerance", "all");
        assertEquals(1, new ElasticsearchSinkConnector().validate(props).configValues().stream()
                .filter(v -> v.name().equals("behavior.on.malformed.documents")).findFirst().orElseThrow()
                .errorMessages().size());
        props.put("errors.deadletterqueue.topic.name", "dlq");
        assertTrue(new ElasticsearchSinkConnector().validate(props).configValues().stream()
                .allMatch(v -> v.errorMessages().isEmpty()));
    }

    @Test
    void templatePatternsFollowTheTopics() {
        var format = new ElasticsearchSinkConfig(minimal()).indexNameFormat();
        assertEquals(List.of("web_log-*", "app-*"),
                SearchTarget.derivedPatterns(format, Map.of("topics", "web_log, App")));
        assertEquals(List.of("*-*"), SearchTarget.derivedPatterns(format, Map.of("topics.regex", "logs.*")));
        assertEquals(List.of("web_log-*", "app-log-*", "logcollect-status-*"),
                SearchTarget.derivedPatterns(format, Map.of("topics.regex", "web_log|app-log|logcollect-status")));
        assertEquals(List.of("*-*"), SearchTarget.derivedPatterns(format, Map.of("topics.regex", "web.log|app")));
        assertEquals(List.of("*-*"), SearchTarget.derivedPatterns(format, Map.of("topics.regex", "web|app_(a|b)")));
    }

    private static ElasticsearchSinkConfig config(String... keysAndValues) {
        Map<String, String> props = minimal();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new ElasticsearchSinkConfig(props);
    }

    private static String refusal(String... keysAndValues) {
        return assertThrows(ConfigException.class, () -> config(keysAndValues)).getMessage();
    }

    @Test
    void tombstonesDeleteOnlyWithKeyIds() {
        for (String strategy : List.of("event.id", "kafka", "none")) {
            assertTrue(refusal("behavior.on.null.values", "delete", "document.id.strategy", strategy)
                    .contains("deleting on tombstones needs document.id.strategy=key"), strategy);
        }
        assertEquals(ElasticsearchSinkConfig.NullValueBehavior.DELETE,
                config("behavior.on.null.values", "delete", "document.id.strategy", "key").nullValueBehavior());
    }

    @Test
    void keyIdsWriteNewVersionsAndNeverCreate() {
        assertEquals(ElasticsearchSinkConfig.WriteMethod.INDEX, config("document.id.strategy", "key").writeMethod());
        assertTrue(refusal("document.id.strategy", "key", "write.method", "create")
                .contains("which create would drop (409): use index or upsert"));
        assertEquals(ElasticsearchSinkConfig.WriteMethod.CREATE, config("document.id.strategy", "kafka").writeMethod());
    }

    @Test
    void confluentsNamesMeanWhatTheyMeanThere() {
        assertEquals(ElasticsearchSinkConfig.WriteMethod.INDEX, config("write.method", "insert").writeMethod());
        assertEquals(ElasticsearchSinkConfig.WriteMethod.UPSERT,
                config("write.method", "upsert", "key.ignore", "false").writeMethod());
        assertEquals(ElasticsearchSinkConfig.IdStrategy.KEY, config("key.ignore", "false").idStrategy());
        assertEquals(ElasticsearchSinkConfig.IdStrategy.KAFKA, config("key.ignore", "true").idStrategy());
        assertTrue(refusal("key.ignore", "true", "document.id.strategy", "key").contains("contradicts"));
        assertEquals(ElasticsearchSinkConfig.MalformedBehavior.IGNORE,
                config("behavior.on.malformed.documents", "ignore").malformedBehavior());
        assertTrue(config("drop.invalid.message", "true").dropInvalidMessages());
        ElasticsearchSinkConfig stream = config("data.stream.type", "LOGS", "data.stream.dataset", "app");
        assertTrue(stream.dataStreams());
        assertEquals("logs-app-web_log", stream.indexNameFormat().format("web_log", 0));
        assertEquals("logs-app-ns", config("data.stream.type", "logs", "data.stream.dataset", "app",
                "data.stream.namespace", "ns").indexNameFormat().format("web_log", 0));
        assertTrue(refusal("data.stream.type", "logs").contains("data.stream.dataset"));
        assertTrue(refusal("data.stream.enabled", "true", "write.method", "index").contains("must be create"));
        assertTrue(refusal("write.method", "upsert", "document.id.strategy", "none").contains("upsert needs"));
    }

    @Test
    void theDeadLetterQueueNeedsItsTopic() {
        assertTrue(refusal("behavior.on.malformed.documents", "dlq", "errors.tolerance", "all")
                .contains("dlq needs errors.tolerance=all and errors.deadletterqueue.topic.name"));
        assertEquals(ElasticsearchSinkConfig.MalformedBehavior.DLQ, config("behavior.on.malformed.documents", "dlq",
                "errors.tolerance", "all", "errors.deadletterqueue.topic.name", "dlq").malformedBehavior());
    }
}
