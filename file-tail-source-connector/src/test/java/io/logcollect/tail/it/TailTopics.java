package io.logcollect.tail.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads what the tail connector wrote to a topic, as parsed JSON values. */
final class TailTopics {

    private TailTopics() {
    }

    /**
     * Fails unless {@code actual} is {@code expected}, line for line, saying how they differ in a few lines
     * (counts, duplicates, missing lines, the first difference) rather than printing both lists.
     */
    static void assertLines(List<String> expected, List<String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        if (actual == null) {
            throw new AssertionError("expected " + expected.size() + " lines, got none");
        }
        Map<String, Integer> seen = new HashMap<>();
        actual.forEach(line -> seen.merge(line, 1, Integer::sum));
        long duplicates = seen.values().stream().filter(n -> n > 1).count();
        List<String> missing = expected.stream().filter(line -> !seen.containsKey(line)).toList();
        int first = 0;
        while (first < Math.min(expected.size(), actual.size()) && expected.get(first).equals(actual.get(first))) {
            first++;
        }
        throw new AssertionError(String.format("expected %d lines, got %d; %d lines duplicated, %d missing %s; "
                        + "first difference at index %d: expected <%s> but was <%s>", expected.size(), actual.size(),
                duplicates, missing.size(), missing.subList(0, Math.min(5, missing.size())), first,
                first < expected.size() ? expected.get(first) : "(end)",
                first < actual.size() ? actual.get(first) : "(end)"));
    }

    static List<JsonNode> read(KafkaBroker broker, String topic, Duration timeout, Predicate<List<JsonNode>> done) {
        List<JsonNode> values = new ArrayList<>();
        int[] parsed = {0};
        broker.consume(topic, timeout, records -> {
            for (int i = parsed[0]; i < records.size(); i++) {
                values.add(json(records.get(i)));
            }
            parsed[0] = records.size();
            return done.test(values);
        });
        return values;
    }

    /** Reads until {@code count} records arrived, then a little longer so that extra records would show. */
    static List<JsonNode> readExactly(KafkaBroker broker, String topic, int count, Duration timeout) {
        long[] reachedAt = {0};
        List<JsonNode> values = read(broker, topic, timeout, v -> {
            if (v.size() < count) {
                return false;
            }
            if (reachedAt[0] == 0) {
                reachedAt[0] = System.nanoTime();
            }
            return System.nanoTime() - reachedAt[0] > Duration.ofSeconds(3).toNanos();
        });
        if (values.size() < count) {
            throw new AssertionError("only " + values.size() + " of " + count + " records arrived in " + topic);
        }
        return values;
    }

    static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return HttpJson.MAPPER.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> messages(List<JsonNode> values) {
        return values.stream().map(v -> v.path("message").asText()).toList();
    }

    /** Messages grouped by {@code log.file.path}, in topic order. */
    static Map<String, List<String>> messagesByPath(List<JsonNode> values) {
        Map<String, List<String>> byPath = new LinkedHashMap<>();
        for (JsonNode value : values) {
            byPath.computeIfAbsent(value.at("/log/file/path").asText(), p -> new ArrayList<>())
                    .add(value.path("message").asText());
        }
        return byPath;
    }

    /**
     * A tail connector config for the integration tests' agents: the given entries and allowed paths, fast
     * scans and polls, the shipped converter; {@code extra} key/value pairs are added or override.
     */
    static Map<String, String> connector(String entries, String allowedPaths, String policy, String... extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "1");
        config.put("collect.entries", entries);
        config.put("collect.policy", policy);
        config.put("allowed.paths", allowedPaths);
        config.put("host.name", "it-host");
        config.put("scan.interval.ms", "200");
        config.put("poll.interval.ms", "50");
        config.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return config;
    }
}
