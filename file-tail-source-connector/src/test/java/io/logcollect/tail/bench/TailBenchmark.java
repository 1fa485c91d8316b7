package io.logcollect.tail.bench;

import io.logcollect.testkit.BenchmarkLines;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.Locations;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.Workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of the tail connector, with the converter we ship and with Kafka's JsonConverter, against two
 * baselines on the same broker with the same producer settings, in one run: Kafka's ProducerPerformance with
 * records of the size the connector produces (and of the size of the lines), and Kafka's FileStreamSource
 * connector on the same file. Prints lines/s, the ratios, and the agent's CPU seconds per million lines.
 * Each connector first reads the whole file once untimed, so every figure is of a warmed-up JIT.
 *
 * <p>Run: {@code bin/benchmark tail} (or see its source for the Maven command).
 */
public final class TailBenchmark {

    private static final int LINE_BYTES = 200;
    private static final String PRODUCER_SETTINGS = "acks=all linger.ms=5 batch.size=262144 compression.type=lz4";

    private TailBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        KafkaBroker kafka = KafkaBroker.start();
        Path dir = Workspace.newDirectory("bench-logs");
        Path file = dir.resolve("bench.log");
        BenchmarkLines.write(file, lines, LINE_BYTES);

        ConnectWorker.Builder builder = ConnectWorker.standalone(kafka).heap("2g");
        for (String setting : PRODUCER_SETTINGS.split(" ")) {
            String[] kv = setting.split("=");
            builder.property("producer." + kv[0], kv[1]);
        }
        ConnectWorker agent = builder.start();
        double fileStream = connectorRate(kafka, agent, "bench-filestream", lines, topic -> Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max", "1",
                "file", file.toString(),
                "batch.size", "10000",
                "topic", topic), null);
        long[] cpu = new long[1];
        double tail = connectorRate(kafka, agent, "bench-tail", lines,
                topic -> tailConfig(file, topic, "io.logcollect.tail.record.LogRecordJsonConverter"), cpu);
        long[] jsonConverterCpu = new long[1];
        double tailJsonConverter = connectorRate(kafka, agent, "bench-tail-jsonconverter", lines,
                topic -> tailConfig(file, topic, "org.apache.kafka.connect.json.JsonConverter"), jsonConverterCpu);
        double tailWithoutStatus = connectorRate(kafka, agent, "bench-tail-nostatus", lines, topic -> {
            Map<String, String> config = tailConfig(file, topic, "io.logcollect.tail.record.LogRecordJsonConverter");
            config.put("status.interval.ms", "0");
            return config;
        }, null);
        agent.stop();
        int recordBytes = averageRecordBytes(kafka, "bench-tail");
        double producerPerformance = producerPerformance(kafka, "bench-producer-line", lines, LINE_BYTES);
        double producerPerformanceSameRecord = producerPerformance(kafka, "bench-producer-record", lines, recordBytes);
        kafka.stop();

        System.out.printf("%n== tail connector benchmark: %,d lines of %d bytes, one file, one task, producer %s ==%n",
                lines, LINE_BYTES, PRODUCER_SETTINGS);
        System.out.printf("ProducerPerformance, %4d-byte records (the lines)     : %,10.0f records/s%n", LINE_BYTES,
                producerPerformance);
        System.out.printf("ProducerPerformance, %4d-byte records (tail's values) : %,10.0f records/s%n", recordBytes,
                producerPerformanceSameRecord);
        System.out.printf("FileStreamSourceConnector (batch.size 10000)          : %,10.0f lines/s%n", fileStream);
        System.out.printf("FileTailSourceConnector, JsonConverter                : %,10.0f lines/s%n",
                tailJsonConverter);
        System.out.printf("FileTailSourceConnector, LogRecordJsonConverter       : %,10.0f lines/s%n", tail);
        System.out.printf("ratio tail / ProducerPerformance, same record size    : %10.2f (goal >= 0.80)%n",
                tail / producerPerformanceSameRecord);
        System.out.printf("ratio tail with JsonConverter / ProducerPerformance   : %10.2f%n",
                tailJsonConverter / producerPerformanceSameRecord);
        System.out.printf("ratio tail / ProducerPerformance, line-sized records  : %10.2f%n", tail / producerPerformance);
        System.out.printf("ratio tail / FileStreamSource                         : %10.2f%n", tail / fileStream);
        System.out.printf("FileTailSourceConnector, status records off          : %,10.0f lines/s%n",
                tailWithoutStatus);
        System.out.printf("ratio tail with status records every 10 s / off      : %10.2f%n", tail / tailWithoutStatus);
        System.out.printf("agent CPU seconds per million lines, LogRecordJsonConverter : %6.2f%n",
                cpu[0] / 100.0 / (lines / 1e6));
        System.out.printf("agent CPU seconds per million lines, JsonConverter          : %6.2f%n",
                jsonConverterCpu[0] / 100.0 / (lines / 1e6));
    }

    /** The tail connector's config reading {@code file} from its start into {@code topic} through {@code valueConverter}. */
    private static Map<String, String> tailConfig(Path file, String topic, String valueConverter) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "1");
        config.put("collect.entries", "[{\"id\":\"bench\",\"paths\":[\"" + file + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\"}]");
        config.put("allowed.paths", file.getParent().toString());
        config.put("host.name", "bench-host");
        config.put("poll.interval.ms", "20");
        config.put("value.converter", valueConverter);
        config.put("value.converter.schemas.enable", "false");
        config.put("status.topic", "bench-status");
        return config;
    }

    /** The mean size of the first 10,000 record values of a topic: what the tail connector produces per line. */
    private static int averageRecordBytes(KafkaBroker kafka, String topic) {
        var records = kafka.consume(topic, 10_000, Duration.ofMinutes(1));
        long bytes = 0;
        for (var record : records) {
            bytes += record.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return (int) (bytes / records.size());
    }

    private static double producerPerformance(KafkaBroker kafka, String topic, int records, int recordBytes) {
        kafka.createTopic(topic, 1);
        Path dir = Workspace.newDirectory(topic);
        List<String> command = new ArrayList<>(List.of(
                Locations.currentJavaHome().resolve("bin/java").toString(), "-Xmx1g",
                "-cp", Locations.runtimeClasspath("kafka"), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(recordBytes), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + kafka.bootstrapServers()));
        command.addAll(List.of(PRODUCER_SETTINGS.split(" ")));
        ServiceProcess.runOnce("producer-performance", command, Map.of(), dir, Duration.ofMinutes(5));
        try {
            String output = Files.readString(dir.resolve("producer-performance.out"));
            Matcher m = Pattern.compile("\\d+ records sent, ([\\d.]+) records/sec").matcher(output);
            double rate = 0;
            while (m.find()) {
                rate = Double.parseDouble(m.group(1));
            }
            return rate;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs the connector twice on the whole file, each time into a new topic: once to warm the worker's JIT up,
     * then timed until the topic holds every line. {@code cpuTicks}, when given, receives the agent's CPU time
     * during the timed run.
     */
    private static double connectorRate(KafkaBroker kafka, ConnectWorker agent, String name, int lines,
                                        Function<String, Map<String, String>> configForTopic, long[] cpuTicks)
            throws IOException, InterruptedException {
        run(kafka, agent, name + "-warmup", lines, configForTopic);
        long cpuBefore = cpuTicks(agent.process().pid());
        double seconds = run(kafka, agent, name, lines, configForTopic);
        if (cpuTicks != null) {
            cpuTicks[0] = cpuTicks(agent.process().pid()) - cpuBefore;
        }
        return lines / seconds;
    }

    /** Seconds from creating the connector until its topic (named like it) holds every line. */
    private static double run(KafkaBroker kafka, ConnectWorker agent, String name, int lines,
                              Function<String, Map<String, String>> configForTopic) throws InterruptedException {
        kafka.createTopic(name, 1);
        long start = System.nanoTime();
        agent.putConnector(name, configForTopic.apply(name));
        while (kafka.recordCount(name) < lines) {
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        agent.deleteConnector(name);
        return seconds;
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
