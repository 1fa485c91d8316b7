package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files in {@code connect-configs/} as users run them, with only what names their own machines left out or
 * replaced: addresses, paths, credentials, cluster sizes. Benchmarks run these, so a regression in a shipped
 * setting shows up in their figures.
 */
public final class ShippedConfigs {

    /** Worker keys that name the user's cluster, not how the worker behaves; the kit sets its own. */
    private static final Predicate<String> CLUSTER_SPECIFIC = key -> key.equals("bootstrap.servers")
            || key.equals("listeners") || key.equals("rest.advertised.host.name") || key.equals("plugin.path")
            || key.equals("offset.storage.file.filename") || key.equals("group.id") || key.endsWith(".storage.topic")
            || key.endsWith(".replication.factor") || key.startsWith("config.providers");
    /** Connector keys that name the user's engine and its credentials. */
    private static final List<String> ENGINE_ACCESS = List.of("connection.url", "connection.username",
            "connection.password", "connection.ssl.truststore.location", "connection.ssl.truststore.password");
    /** {@code NAME="value"} with a value a shell takes as written: no quote, {@code $}, backquote or backslash. */
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z_]+)=\"([^\"$`\\\\]*)\"");

    private ShippedConfigs() {
    }

    /**
     * A worker with the shipped worker properties (of {@code file}) but the kit's addresses and paths, and the
     * JVM options shipped beside them for Kafka's start scripts, if any: {@code agent-standalone.env} for
     * {@code agent-standalone.properties}.
     */
    public static ConnectWorker.Builder withWorkerProperties(ConnectWorker.Builder worker, String file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path(file), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : properties.stringPropertyNames()) {
            if (!CLUSTER_SPECIFIC.test(key)) {
                worker.property(key, properties.getProperty(key));
            }
        }
        Path environment = path(file.replaceFirst("\\.properties$", ".env"));
        if (Files.exists(environment)) {
            Map<String, String> variables = environmentVariables(environment);
            List<String> options = new ArrayList<>();
            for (String variable : List.of("KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS")) {
                String value = variables.get(variable);
                if (value == null) {
                    throw new IllegalStateException(environment + " sets no " + variable);
                }
                options.addAll(List.of(value.trim().split("\\s+")));
            }
            worker.jvmOptions(options);
        }
        return worker;
    }

    /** The {@code NAME="value"} lines of a shipped environment file (its other lines are comments). */
    private static Map<String, String> environmentVariables(Path file) {
        Map<String, String> variables = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher assignment = ASSIGNMENT.matcher(line);
                if (assignment.matches()) {
                    variables.put(assignment.group(1), assignment.group(2));
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    throw new IllegalStateException(file + ": not NAME=\"value\" nor a comment: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return variables;
    }

    /** The shipped tail connector's config, reading the named policy below {@code logs}. */
    public static Map<String, String> agent(String policy, Path logs) {
        Map<String, String> config = connector("agent-file-tail.json");
        config.put("collect.policy", policy);
        config.put("collect.entries", "${etcd:/logcollect/policies/" + policy + ":entries}");
        config.put("allowed.paths", logs.toString());
        return config;
    }

    /** The shipped sink's config, indexing {@code topicsRegex} into the engine at {@code url}, dead letters too. */
    public static Map<String, String> sink(String url, String topicsRegex) {
        Map<String, String> config = connector("sink-elasticsearch.json");
        ENGINE_ACCESS.forEach(config::remove);
        config.put("connection.url", url);
        config.put("topics.regex", topicsRegex);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        return config;
    }

    private static Map<String, String> connector(String file) {
        try {
            JsonNode config = HttpJson.MAPPER.readTree(path(file).toFile()).path("config");
            Map<String, String> values = new LinkedHashMap<>();
            config.properties().forEach(field -> values.put(field.getKey(), field.getValue().asText()));
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path path(String file) {
        return Locations.root().resolve("connect-configs").resolve(file);
    }
}
