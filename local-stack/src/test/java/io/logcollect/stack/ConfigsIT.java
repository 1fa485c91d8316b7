package io.logcollect.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.Locations;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped configurations stay consistent with the plugins: every key of every connector JSON is a key
 * the plugin (as a real worker reports it) or Connect itself defines, the example policies parse, the worker
 * properties name our classes, the agent runs the JVM options shipped for it, and docker-compose.yml parses and
 * mounts files that exist.
 */
class ConfigsIT {

    private static final Path CONFIGS = Locations.root().resolve("connect-configs");
    /** Keys Connect defines for every connector (ConnectorConfig, SinkConnectorConfig, errors.*). */
    private static final Set<String> FRAMEWORK_KEYS = Set.of("name", "connector.class", "tasks.max", "topics",
            "topics.regex", "key.converter", "value.converter", "header.converter", "errors.tolerance",
            "errors.deadletterqueue.topic.name", "errors.deadletterqueue.topic.replication.factor",
            "errors.deadletterqueue.context.headers.enable", "errors.log.enable", "exactly.once.support");

    @Test
    void everyConnectorKeyIsDefinedByItsPluginOrByConnect() throws IOException {
        ConnectWorker worker = TestServices.connect();
        List<Path> connectors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CONFIGS)) {
            files.filter(f -> f.toString().endsWith(".json") && !f.getParent().endsWith("policies")).forEach(connectors::add);
        }
        assertEquals(5, connectors.size(), connectors.toString());
        for (Path file : connectors) {
            JsonNode connector = HttpJson.MAPPER.readTree(file.toFile());
            String connectorClass = connector.at("/config/connector.class").asText();
            Set<String> defined = new HashSet<>(FRAMEWORK_KEYS);
            for (JsonNode key : worker.rest().get("/connector-plugins/" + connectorClass + "/config").expectOk()) {
                defined.add(key.path("name").asText());
            }
            connector.path("config").fieldNames().forEachRemaining(key ->
                    assertTrue(defined.contains(key) || key.startsWith("producer.override.")
                            || key.startsWith("consumer.override.") || perTopic(defined, key), file + ": " + key
                            + " is not a key of " + connectorClass));
        }
    }

    /** A key of a per-topic family the plugin documents: a defined key, a dot and a topic (index.retention.days.web). */
    private static boolean perTopic(Set<String> defined, String key) {
        return key.startsWith("index.retention.days.") && defined.contains("index.retention.days");
    }

    @Test
    void examplePoliciesParseWithoutErrors() throws IOException {
        try (Stream<Path> files = Files.list(CONFIGS.resolve("policies"))) {
            for (Path file : files.toList()) {
                ParsedPolicy policy = PolicyParser.parse(Files.readString(file),
                        AllowedPaths.of(List.of("/var/log", "/srv/app/logs")));
                assertEquals(List.of(), policy.errors(), file.toString());
                assertTrue(!policy.entries().isEmpty(), file.toString());
            }
        }
    }

    @Test
    void workerPropertiesUseOurProviderAndConverters() throws IOException {
        for (String name : List.of("agent-standalone.properties", "central-distributed.properties",
                "docker/agent.properties", "docker/central.properties")) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(CONFIGS.resolve(name))) {
                props.load(in);
            }
            assertEquals("org.apache.kafka.connect.json.JsonConverter", props.getProperty("value.converter"), name);
            assertEquals("false", props.getProperty("value.converter.schemas.enable"), name);
            assertEquals("service_load", props.getProperty("plugin.discovery"), name);
            if (props.getProperty("config.providers", "").contains("etcd")) {
                assertEquals("io.logcollect.etcd.EtcdConfigProvider", props.getProperty("config.providers.etcd.class"), name);
                assertTrue(props.getProperty("config.providers.etcd.param.endpoints", "").startsWith("http"), name);
            }
        }
    }

    /**
     * Kafka's start scripts run a worker on the broker's JVM defaults unless {@code KAFKA_HEAP_OPTS} and
     * {@code KAFKA_JVM_PERFORMANCE_OPTS} say otherwise: G1 with a 20 ms pause goal, under which the agent spent
     * almost half of its CPU collecting garbage ({@code bin/benchmark peers}). The shipped
     * {@code agent-standalone.env} sets both (read here by a shell, as the scripts get them), and a worker the kit
     * starts with the shipped agent properties runs exactly those options, so that the benchmarks measure the
     * agent users run.
     */
    @Test
    void anAgentRunsTheJvmOptionsShippedForKafkasStartScripts() throws Exception {
        List<String> shipped = new ArrayList<>(shellWords("agent-standalone.env", "KAFKA_HEAP_OPTS"));
        shipped.addAll(shellWords("agent-standalone.env", "KAFKA_JVM_PERFORMANCE_OPTS"));
        assertTrue(shipped.stream().anyMatch(option -> option.startsWith("-Xmx")), shipped.toString());
        assertTrue(shipped.stream().noneMatch(option -> option.startsWith("-XX:MaxGCPauseMillis")), shipped.toString());
        ConnectWorker agent = ShippedConfigs.withWorkerProperties(ConnectWorker.standalone(TestServices.kafka()),
                "agent-standalone.properties").start();
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(agent.process().pid()), "cmdline"),
                    StandardCharsets.UTF_8);
            List<String> command = Arrays.asList(cmdline.split("\0"));
            assertEquals(shipped.stream().filter(option -> option.startsWith("-X")).toList(),
                    command.stream().filter(argument -> argument.startsWith("-X")).toList(), cmdline);
        } finally {
            agent.stop();
        }
    }

    /** The words of a variable of a shipped environment file, as a shell that sources the file splits them. */
    private static List<String> shellWords(String file, String variable) throws Exception {
        String script = "set -eu; set -a; . \"$1\"; set +a; printf '%s\\n' $" + variable;
        Process shell = new ProcessBuilder("bash", "-c", script, "bash", CONFIGS.resolve(file).toString())
                .redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, shell.waitFor(), file + ": " + output);
        return output.lines().toList();
    }

    @Test
    void dockerComposeParsesAndMountsFilesThatExist() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Locations.root().resolve("docker-compose.yml").toFile());
        Set<String> services = new HashSet<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        assertEquals(Set.of("kafka", "etcd", "elasticsearch", "kibana", "connect-central", "agent", "console"), services);
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                // ./demo-logs and ./console-users are the user's: the file's header says how to make them
                if (source.startsWith("./") && !source.equals("./demo-logs") && !source.equals("./console-users")) {
                    assertTrue(Files.exists(Locations.root().resolve(source)), "docker-compose.yml mounts missing " + source);
                }
            }
            for (JsonNode environment : service.path("env_file")) {
                assertTrue(Files.exists(Locations.root().resolve(environment.asText())),
                        "docker-compose.yml reads missing " + environment.asText());
            }
        }
    }
}
