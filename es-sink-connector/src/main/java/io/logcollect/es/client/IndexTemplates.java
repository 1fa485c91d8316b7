package io.logcollect.es.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.logcollect.search.client.EngineInfo;

import java.util.List;

/**
 * The index template of everything logcollect writes: an explicit mapping of the fields the file tail source
 * writes (DESIGN.md section 3), with every {@code labels.*} a keyword; and, for the agents' status and host
 * metrics (section 9), percentages as floats (a first value of 0 would otherwise map them as integers) and
 * the names of metrics documents ({@code system.*}, {@code logcollect.*}, {@code metricset}, {@code agent},
 * {@code event}) as keywords. Other fields are still mapped dynamically.
 */
public final class IndexTemplates {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IndexTemplates() {
    }

    /** The mapping: {@code message} text, ids/names/paths/flags keyword, {@code @timestamp} date. */
    public static ObjectNode logMapping() {
        ObjectNode mappings = MAPPER.createObjectNode();
        ArrayNode dynamicTemplates = mappings.putArray("dynamic_templates");
        ObjectNode labels = dynamicTemplates.addObject().putObject("labels_as_keyword");
        labels.put("path_match", "labels.*");
        labels.putObject("mapping").put("type", "keyword");
        ObjectNode percentages = dynamicTemplates.addObject().putObject("percentages_as_float");
        percentages.put("path_match", "*.pct");
        percentages.putObject("mapping").put("type", "float");
        for (String root : List.of("system", "logcollect", "metricset", "agent", "event")) {
            ObjectNode names = dynamicTemplates.addObject().putObject(root + "_names_as_keyword");
            names.put("path_match", root + ".*");
            names.put("match_mapping_type", "string");
            names.putObject("mapping").put("type", "keyword").put("ignore_above", 1024);
        }
        ObjectNode properties = mappings.putObject("properties");
        properties.putObject("@timestamp").put("type", "date");
        properties.putObject("message").put("type", "text");
        ObjectNode event = properties.putObject("event").putObject("properties");
        event.putObject("id").put("type", "keyword");
        event.putObject("created").put("type", "date");
        event.putObject("ingested").put("type", "date");
        properties.putObject("host").putObject("properties").putObject("name").put("type", "keyword");
        ObjectNode log = properties.putObject("log").putObject("properties");
        ObjectNode file = log.putObject("file").putObject("properties");
        for (String name : List.of("path", "inode", "device_id", "fingerprint")) {
            file.putObject(name).put("type", "keyword");
        }
        log.putObject("offset").put("type", "long");
        log.putObject("flags").put("type", "keyword");
        properties.putObject("labels").put("type", "object");
        return mappings;
    }

    /**
     * 200 plus the length of the shortest literal prefix (up to the first {@code *}) of {@code patterns}: a
     * more specific template outranks a less specific one whose patterns overlap it, which Elasticsearch and
     * OpenSearch refuse at equal priority.
     */
    public static int derivedPriority(List<String> patterns) {
        int prefix = patterns.stream().mapToInt(p -> p.indexOf('*') < 0 ? p.length() : p.indexOf('*')).min()
                .orElse(0);
        return 200 + Math.min(prefix, 255);
    }

    /**
     * The template body for this engine: a composable {@code _index_template} (OpenSearch, Elasticsearch 7.8+) or
     * a legacy {@code _template}.
     *
     * <p>On OpenSearch 2+ it turns merge-on-refresh off ({@code index.merge_on_flush.enabled}, on by default
     * there): with it, a refresh waits up to 10 s for merges of the segments it has just written, which on a busy
     * node adds seconds to the time a log line takes to become searchable. Elasticsearch has no such setting and
     * would refuse it.
     *
     * @param dataStreams declare {@code data_stream} (composable only)
     */
    public static String body(List<String> patterns, EngineInfo engine, boolean dataStreams, int priority,
                              IndexSettings index) {
        boolean composable = engine.composableTemplates();
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode indexPatterns = root.putArray("index_patterns");
        patterns.forEach(indexPatterns::add);
        ObjectNode settings = MAPPER.createObjectNode();
        settings.put("index.number_of_shards", index.shards());
        settings.put("index.number_of_replicas", index.replicas());
        if (!index.refreshInterval().isEmpty()) {
            settings.put("index.refresh_interval", index.refreshInterval());
        }
        if (engine.flavor().equals(EngineInfo.OPENSEARCH) && engine.major() >= 2) {
            settings.put("index.merge_on_flush.enabled", false);
        }
        if (composable) {
            root.put("priority", priority);
            if (dataStreams) {
                root.putObject("data_stream");
            }
            ObjectNode template = root.putObject("template");
            template.set("settings", settings);
            template.set("mappings", logMapping());
            root.putObject("_meta").put("managed_by", "logcollect es-sink-connector");
        } else {
            root.put("order", priority);
            root.set("settings", settings);
            root.set("mappings", logMapping());
        }
        return root.toString();
    }

    /**
     * The index settings a template gives its indices.
     *
     * @param refreshInterval {@code index.refresh_interval}, empty for the engine's default (1 s, skipped while a
     *                        shard is search-idle)
     */
    public record IndexSettings(int shards, int replicas, String refreshInterval) {
    }
}
