package io.logcollect.etcd.it;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.fail;

/** Shared pieces of the provider's integration tests. */
final class Its {

    static final String PROVIDER = "io.logcollect.etcd.EtcdConfigProvider";

    private Its() {
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A worker builder with the etcd provider registered as {@code etcd} and its parameters. */
    static ConnectWorker.Builder withProvider(ConnectWorker.Builder builder, Map<String, String> params) {
        builder.property("config.providers", "etcd").property("config.providers.etcd.class", PROVIDER);
        params.forEach((k, v) -> builder.property("config.providers.etcd.param." + k, v));
        return builder;
    }

    static Map<String, String> params(String... keysAndValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    /** A FileStreamSource connector reading the file named by an etcd variable. */
    static Map<String, String> fileSource(String fileVariable, String topic) {
        return Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max", "1",
                "file", fileVariable,
                "topic", topic);
    }

    /** A new file with lines {@code <tag>-0 ... <tag>-(count-1)}. */
    static Path linesFile(String tag, int count) {
        Path file = Workspace.newDirectory("input").resolve(tag + ".log");
        append(file, tag, 0, count);
        return file;
    }

    static void append(Path file, String tag, int from, int to) {
        try {
            Files.writeString(file, IntStream.range(from, to).mapToObj(i -> tag + "-" + i + "\n")
                    .collect(Collectors.joining()), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the topic holds the line (JSON string form); returns how long that took. */
    static Duration awaitLine(KafkaBroker kafka, String topic, String line, Duration timeout) {
        long start = System.nanoTime();
        String json = "\"" + line + "\"";
        List<ConsumerRecord<String, String>> records = kafka.consume(topic, timeout,
                all -> all.stream().anyMatch(r -> json.equals(r.value())));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (records.stream().noneMatch(r -> json.equals(r.value()))) {
            fail("line " + line + " not in topic " + topic + " within " + timeout.toSeconds() + " s; it holds "
                    + records.size() + " records, the last: " + (records.isEmpty() ? "none"
                    : records.get(records.size() - 1).value()));
        }
        return took;
    }

    /** How many lines of a log file contain {@code text}. */
    static long countLines(Path log, String text) {
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines the provider's own loggers wrote (the kit's log pattern ends with the logger name). */
    static List<String> providerLogLines(Path log) {
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("(io.logcollect.etcd.")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
