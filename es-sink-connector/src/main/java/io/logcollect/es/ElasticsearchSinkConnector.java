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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * Single-key validation by the ConfigDef, then the rules that span keys (those of
     * {@link ElasticsearchSinkConfig}), each reported on the key it names.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            try {
                new ElasticsearchSinkConfig(connectorConfigs);
            } catch (ConfigException e) {
                String message = e.getMessage() == null ? "invalid configuration" : e.getMessage();
                Matcher named = CONFIGURATION_NAME.matcher(message);
                String key = named.find() ? named.group(1) : ElasticsearchSinkConfig.CONNECTION_URL;
                value(config, key).addErrorMessage(message);
            }
        }
        return config;
    }

    /** Where {@link ConfigException}'s message names the key at fault. */
    private static final Pattern CONFIGURATION_NAME = Pattern.compile("for configuration ([^ :]+)");

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
