package io.logcollect.es;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka to Elasticsearch 7/8/9 and OpenSearch 1/2/3 through {@code _bulk}. Every task gets the connector's
 * configuration; partitions are spread over them by Connect.
 */
public class ElasticsearchSinkConnector extends SinkConnector {

    /** Key added to each task's config: its index, for thread names and logs. */
    static final String TASK_ID = "logcollect.task.id";

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new ElasticsearchSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ElasticsearchSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put(TASK_ID, String.valueOf(i));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ElasticsearchSinkConfig.CONFIG_DEF;
    }

    /**
     * Single-key validation by the ConfigDef, then the rules that span keys: {@code dlq} needs
     * {@code errors.tolerance=all}, and the cross-field checks of {@link ElasticsearchSinkConfig}.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if ("dlq".equalsIgnoreCase(connectorConfigs.getOrDefault(
                ElasticsearchSinkConfig.BEHAVIOR_ON_MALFORMED_DOCUMENTS, "fail").trim())) {
            if (!"all".equalsIgnoreCase(connectorConfigs.getOrDefault("errors.tolerance", "none").trim())) {
                value(config, ElasticsearchSinkConfig.BEHAVIOR_ON_MALFORMED_DOCUMENTS).addErrorMessage(
                        "dlq needs errors.tolerance=all (and errors.deadletterqueue.topic.name for a DLQ topic)");
                clean = false;
            }
        }
        if (clean) {
            try {
                new ElasticsearchSinkConfig(connectorConfigs);
            } catch (ConfigException e) {
                String key = e.getMessage() != null && e.getMessage().contains(ElasticsearchSinkConfig.BEHAVIOR_ON_NULL_VALUES)
                        ? ElasticsearchSinkConfig.BEHAVIOR_ON_NULL_VALUES : ElasticsearchSinkConfig.CONNECTION_URL;
                for (String name : ElasticsearchSinkConfig.CONFIG_DEF.names()) {
                    if (e.getMessage() != null && e.getMessage().contains(" " + name + " ")) {
                        key = name;
                        break;
                    }
                }
                value(config, key).addErrorMessage(e.getMessage());
            }
        }
        return config;
    }

    private static ConfigValue value(Config config, String name) {
        for (ConfigValue value : config.configValues()) {
            if (value.name().equals(name)) {
                return value;
            }
        }
        ConfigValue value = new ConfigValue(name);
        config.configValues().add(value);
        return value;
    }
}
