package io.logcollect.metrics.record;

import io.logcollect.metrics.sample.Document;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns metricset events into records whose JSON value follows Metricbeat's {@code system} module and ECS:
 * {@code @timestamp}, {@code host}, {@code agent}, {@code event}, {@code metricset} and the metricset's fields.
 * The values are schemaless maps (JsonConverter with {@code schemas.enable=false} writes them as they are); the
 * key is the host, so one host's events stay in order on one partition. They carry no source offset.
 */
public final class MetricRecords {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String topic;
    private final String hostName;
    private final String osHostName;
    private final String agentId;
    private final String version;
    private final long periodMillis;

    /** @param periodMillis the sampling interval, {@code metricset.period} of every record (Kibana divides by it) */
    public MetricRecords(String topic, String hostName, String osHostName, String agentId, String version,
                         long periodMillis) {
        this.topic = topic;
        this.hostName = hostName;
        this.osHostName = osHostName;
        this.agentId = agentId;
        this.version = version;
        this.periodMillis = periodMillis;
    }

    public SourceRecord record(Document document, long timestampMillis) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("@timestamp", TIMESTAMP.format(Instant.ofEpochMilli(timestampMillis)));
        value.put("host", new LinkedHashMap<>(Map.of("name", hostName, "hostname", osHostName)));
        value.put("agent", new LinkedHashMap<>(Map.of("id", agentId, "type", "logcollect", "version", version)));
        value.put("event", new LinkedHashMap<>(Map.of("module", "system", "dataset",
                "system." + document.metricset(), "kind", "metric")));
        value.put("metricset", new LinkedHashMap<>(Map.of("name", document.metricset(), "period", periodMillis)));
        value.put("service", new LinkedHashMap<>(Map.of("type", "system")));
        document.fields().forEach((key, field) -> value.merge(key, field, MetricRecords::merged));
        return new SourceRecord(null, null, topic, null, null, hostName, null, value, timestampMillis);
    }

    /** The metricset's own {@code host.*} fields (network totals) join the common ones. */
    @SuppressWarnings("unchecked")
    private static Object merged(Object common, Object own) {
        if (common instanceof Map<?, ?> a && own instanceof Map<?, ?> b) {
            Map<String, Object> both = new LinkedHashMap<>((Map<String, Object>) a);
            ((Map<String, Object>) b).forEach((k, v) -> both.merge(k, v, MetricRecords::merged));
            return both;
        }
        return own;
    }
}
