package io.logcollect.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.EntryError;
import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Tails log files into Kafka. The connector spreads the entries of {@code collect.entries} over its tasks;
 * each task tails its entries' files with a {@link io.logcollect.tail.engine.TailEngine}.
 */
public class FileTailSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(FileTailSourceConnector.class);
    /** Task configs only: the task's number, which names it in its status records. */
    public static final String TASK_ID = "task.id";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * When, after a start, the connector asks its worker to regenerate the task configs. A restart with tasks
     * (what the etcd provider asks for after a policy change) restarts the tasks on their stored configs, and a
     * standalone worker does not ask the connector for new ones; asking once the connector runs makes the
     * worker compare them and replace the tasks only if their entries changed.
     */
    private static final long[] RECONFIGURE_AFTER_MS = {1000, 5000};

    private Map<String, String> props;
    private List<JsonNode> validEntries;
    private ScheduledExecutorService reconfigure;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        FileTailSourceConfig config = new FileTailSourceConfig(props);
        this.props = Map.copyOf(props);
        this.validEntries = new ArrayList<>();
        ParsedPolicy policy = parse(config.entries(), config.allowedPaths());
        Set<String> valid = policy.entries().stream().map(e -> e.id()).collect(Collectors.toSet());
        for (EntryError error : policy.errors()) {
            log.error("Policy '{}': {}; the other entries keep running", config.policy(), error.message());
        }
        try {
            for (JsonNode entry : MAPPER.readTree(config.entries())) {
                if (valid.contains(entry.path("id").asText())) {
                    validEntries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new ConnectException("collect.entries cannot be read", e);
        }
        log.info("Policy '{}': {} entries to collect, {} refused", config.policy(), validEntries.size(),
                policy.errors().size());
        reconfigure = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "logcollect-tail-reconfigure");
            thread.setDaemon(true);
            return thread;
        });
        for (long delay : RECONFIGURE_AFTER_MS) {
            reconfigure.schedule(context::requestTaskReconfiguration, delay, TimeUnit.MILLISECONDS);
        }
    }

    private static ParsedPolicy parse(String entries, AllowedPaths allowed) {
        try {
            return PolicyParser.parse(entries, allowed);
        } catch (InvalidPolicyException e) {
            throw new ConnectException("collect.entries: " + e.getMessage());
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileTailSourceTask.class;
    }

    /**
     * Entries go round-robin to at most {@code maxTasks} tasks; one task runs even with no entry. Each task runs
     * exactly its {@code task.entries}, so two tasks never tail one file, whatever revision of the policy a
     * restarted task could resolve.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int tasks = Math.max(1, Math.min(maxTasks, validEntries.size()));
        List<ArrayNode> assigned = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            assigned.add(MAPPER.createArrayNode());
        }
        for (int i = 0; i < validEntries.size(); i++) {
            assigned.get(i % tasks).add(validEntries.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (ArrayNode entries : assigned) {
            Map<String, String> task = new HashMap<>(props);
            task.put(FileTailSourceConfig.TASK_ENTRIES, entries.toString());
            task.put(TASK_ID, String.valueOf(configs.size()));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        validEntries = null;
        if (reconfigure != null) {
            reconfigure.shutdownNow();
        }
    }

    @Override
    public ConfigDef config() {
        return FileTailSourceConfig.CONFIG_DEF;
    }

    /** Adds to Connect's checks one error per refused entry, naming the entry and the reason. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = config.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, v -> v));
        ConfigValue entries = values.get(FileTailSourceConfig.COLLECT_ENTRIES);
        ConfigValue allowedValue = values.get(FileTailSourceConfig.ALLOWED_PATHS);
        if (entries == null || allowedValue == null || !allowedValue.errorMessages().isEmpty()) {
            return config;
        }
        AllowedPaths allowed;
        try {
            allowed = new FileTailSourceConfig(connectorConfigs).allowedPaths();
        } catch (RuntimeException e) {
            allowedValue.addErrorMessage(e.getMessage());
            return config;
        }
        try {
            PolicyParser.parse(connectorConfigs.getOrDefault(FileTailSourceConfig.COLLECT_ENTRIES, "[]"), allowed)
                    .errors().forEach(error -> entries.addErrorMessage(error.message()));
        } catch (InvalidPolicyException e) {
            entries.addErrorMessage(e.getMessage());
        }
        return config;
    }

    /**
     * Positions are exact byte offsets written with the records, so distributed workers with exactly-once
     * source support commit both in one transaction.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }
}
