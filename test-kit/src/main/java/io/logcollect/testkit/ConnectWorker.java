package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A Kafka Connect worker in its own JVM, in distributed or standalone mode, loading our plugins from their
 * packaged directories on {@code plugin.path}, exactly as users install them.
 */
public final class ConnectWorker {

    private final KafkaBroker broker;
    private final boolean distributed;
    private final Path dir;
    private final int restPort;
    private final ServiceProcess process;
    private final HttpJson rest;

    private ConnectWorker(Builder builder) {
        this.broker = builder.broker;
        this.distributed = builder.distributed;
        this.dir = Workspace.newDirectory(distributed ? "connect-distributed" : "connect-standalone");
        this.restPort = builder.restPort;
        this.rest = new HttpJson("http://127.0.0.1:" + restPort);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers());
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("key.converter.schemas.enable", "false");
        config.put("value.converter.schemas.enable", "false");
        config.put("listeners", "http://127.0.0.1:" + restPort);
        config.put("rest.advertised.host.name", "127.0.0.1");
        config.put("rest.advertised.port", String.valueOf(restPort));
        if (!builder.pluginPath.isEmpty()) {
            config.put("plugin.path", builder.pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        config.put("plugin.discovery", "service_load");
        config.put("offset.flush.interval.ms", "1000");
        config.put("task.shutdown.graceful.timeout.ms", "10000");
        if (distributed) {
            String group = builder.groupId;
            config.put("group.id", group);
            config.put("config.storage.topic", group + "-configs");
            config.put("offset.storage.topic", group + "-offsets");
            config.put("status.storage.topic", group + "-status");
            String replicas = String.valueOf(builder.broker.replicationFactor());
            config.put("config.storage.replication.factor", replicas);
            config.put("offset.storage.replication.factor", replicas);
            config.put("status.storage.replication.factor", replicas);
            config.put("offset.storage.partitions", "5");
            config.put("status.storage.partitions", "1");
            config.put("scheduled.rebalance.max.delay.ms", "5000");
        } else {
            config.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        }
        config.putAll(builder.properties);
        Path properties = dir.resolve("worker.properties");
        JavaProcesses.writeProperties(properties, config);

        List<String> args = new ArrayList<>(List.of(properties.toString()));
        int index = 0;
        for (Map.Entry<String, Map<String, String>> connector : builder.connectors.entrySet()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", connector.getKey());
            json.put("config", connector.getValue());
            Path file = dir.resolve("connector-" + index++ + ".json");
            try {
                Files.writeString(file, HttpJson.MAPPER.writeValueAsString(json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            args.add(file.toString());
        }
        String mainClass = distributed ? "org.apache.kafka.connect.cli.ConnectDistributed"
                : "org.apache.kafka.connect.cli.ConnectStandalone";
        this.process = new ServiceProcess(distributed ? "connect-distributed" : "connect-standalone",
                JavaProcesses.kafkaCommand(dir, builder.jvmOptions, mainClass, args.toArray(String[]::new)),
                builder.environment, dir);
    }

    public static Builder distributed(KafkaBroker broker) {
        return new Builder(broker, true);
    }

    public static Builder standalone(KafkaBroker broker) {
        return new Builder(broker, false);
    }

    /**
     * An agent worker as shipped: standalone, with the etcd config provider (restarts through this worker's own
     * REST API, debounced 200 ms so tests see changes quickly).
     */
    public static Builder agent(KafkaBroker broker, String etcdEndpoint) {
        Builder builder = standalone(broker)
                .property("config.providers", "etcd")
                .property("config.providers.etcd.class", "io.logcollect.etcd.EtcdConfigProvider")
                .property("config.providers.etcd.param.endpoints", etcdEndpoint)
                .property("config.providers.etcd.param.restart.debounce.ms", "200");
        return builder.property("config.providers.etcd.param.connect.rest.url", builder.restUrl());
    }

    /** How a worker is set up before it starts. */
    public static final class Builder {
        private final KafkaBroker broker;
        private final boolean distributed;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private List<Path> pluginPath = Locations.pluginDirectories();
        private String groupId = "connect-" + UUID.randomUUID().toString().substring(0, 8);
        private List<String> jvmOptions = JavaProcesses.defaultOptions("1g");
        private final int restPort = Ports.free();

        private Builder(KafkaBroker broker, boolean distributed) {
            this.broker = broker;
            this.distributed = distributed;
        }

        /** The REST URL the worker will listen on, known before it starts (e.g. for a config provider's params). */
        public String restUrl() {
            return "http://127.0.0.1:" + restPort;
        }

        /** A worker property, overriding the kit's default. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** Distributed workers with the same group id form one Connect cluster. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder pluginPath(List<Path> pluginPath) {
            this.pluginPath = List.copyOf(pluginPath);
            return this;
        }

        /** Standalone only: a connector the worker runs from its command line, at every start. */
        public Builder connector(String name, Map<String, String> config) {
            if (distributed) {
                throw new IllegalStateException("distributed workers take connectors through the REST API");
            }
            connectors.put(name, Map.copyOf(config));
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** The kit's heap and collector, with at most {@code heap}. */
        public Builder heap(String heap) {
            this.jvmOptions = JavaProcesses.defaultOptions(heap);
            return this;
        }

        /**
         * The JVM's heap and collector options instead of the kit's, as Kafka's start scripts take
         * {@code KAFKA_HEAP_OPTS} and {@code KAFKA_JVM_PERFORMANCE_OPTS} instead of their defaults.
         */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        public ConnectWorker start() {
            ConnectWorker worker = new ConnectWorker(this);
            worker.startProcess();
            return worker;
        }
    }

    /** Starts the worker again after {@link #stop()} or {@link #kill()}, with the same configuration and port. */
    public void startProcess() {
        process.start(Duration.ofSeconds(120), () -> rest.answers("/connectors"));
    }

    public void stop() {
        process.stop();
    }

    /** {@code kill -9} of the worker JVM. */
    public void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public HttpJson rest() {
        return rest;
    }

    public String restUrl() {
        return rest.baseUrl();
    }

    public Path directory() {
        return dir;
    }

    public ServiceProcess process() {
        return process;
    }

    /** Creates or updates a connector; fails with Connect's message when the config is refused. */
    public void putConnector(String name, Map<String, String> config) {
        rest.put("/connectors/" + name + "/config", config).expectOk();
    }

    public void deleteConnector(String name) {
        HttpJson.Response response = rest.delete("/connectors/" + name);
        if (!response.ok() && response.status() != 404) {
            throw new IllegalStateException("cannot delete connector " + name + ": HTTP " + response.status()
                    + " " + response.body());
        }
    }

    /** The connector's status document, or null while Connect does not know it. */
    public JsonNode status(String name) {
        HttpJson.Response response = rest.get("/connectors/" + name + "/status");
        return response.ok() ? response.json() : null;
    }

    /** Waits until the connector and {@code tasks} tasks are RUNNING; fails with the status and any trace. */
    public JsonNode awaitRunning(String name, int tasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = status(name);
            if (status != null) {
                if (status.at("/connector/state").asText().equals("FAILED")) {
                    throw new IllegalStateException("connector " + name + " failed: " + status);
                }
                long running = 0;
                for (JsonNode task : status.path("tasks")) {
                    if (task.path("state").asText().equals("FAILED")) {
                        throw new IllegalStateException("a task of connector " + name + " failed: " + status);
                    }
                    if (task.path("state").asText().equals("RUNNING")) {
                        running++;
                    }
                }
                if (status.at("/connector/state").asText().equals("RUNNING") && running == tasks
                        && status.path("tasks").size() == tasks) {
                    return status;
                }
            }
            ServiceProcess.sleep(200);
        }
        throw new IllegalStateException("connector " + name + " not running with " + tasks + " tasks within "
                + timeout.toSeconds() + " s; status: " + status);
    }

    /** The task configs Connect generated for a connector. */
    public JsonNode taskConfigs(String name) {
        return rest.get("/connectors/" + name + "/tasks").expectOk();
    }
}
