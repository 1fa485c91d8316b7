package io.logcollect.metrics.sample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One metricset event as nested maps, filled by dotted field names ({@code system.cpu.total.norm.pct}) the way
 * Metricbeat and ECS name them, so it serializes to the JSON that Kibana and Grafana dashboards expect.
 */
public final class Document {

    private final String metricset;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Document(String metricset) {
        this.metricset = metricset;
    }

    public String metricset() {
        return metricset;
    }

    /** Sets a dotted field; a null value leaves it out. */
    @SuppressWarnings("unchecked")
    public Document put(String dotted, Object value) {
        if (value == null) {
            return this;
        }
        String[] parts = dotted.split("\\.");
        Map<String, Object> at = fields;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        at.put(parts[parts.length - 1], value);
        return this;
    }

    /** The value of a dotted field, or null. */
    @SuppressWarnings("unchecked")
    public Object get(String dotted) {
        Object at = fields;
        for (String part : dotted.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = ((Map<String, Object>) map).get(part);
        }
        return at;
    }

    /** The nested fields, without the common ones ({@code @timestamp}, host, agent) the record adds. */
    public Map<String, Object> fields() {
        return fields;
    }

    @Override
    public String toString() {
        return metricset + fields;
    }
}
