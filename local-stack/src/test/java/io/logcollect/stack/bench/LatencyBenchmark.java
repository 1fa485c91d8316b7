package io.logcollect.stack.bench;

import io.logcollect.stack.ShippedConfigs;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.Workspace;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Latency from append to searchable through the whole pipeline (file, agent, Kafka, sink, OpenSearch with its
 * default 1 s refresh): lines are appended at a steady rate to one file, the index count is sampled every
 * 50 ms, and line n counts as searchable at the first sample that holds more than n documents; the same for
 * the topic and for the engine's indexing count (indexed, not yet refreshed), to tell where time goes. Prints p50, p90, p99 and the maximum. Goal: p99 under 3 s at 10,000
 * lines/s.
 *
 * <p>The agent and the central worker run the shipped {@code connect-configs/} (worker properties and connector
 * configs) with only addresses, paths and cluster sizes replaced, and the agent reads its policy from etcd.
 *
 * <p>The first {@code warm-up-seconds} of lines (same rate) let the JVMs compile their hot paths; they are
 * not measured. Run: {@code bin/benchmark latency [lines-per-second] [seconds] [warm-up-seconds]}.
 */
public final class LatencyBenchmark {

    private LatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int warmUpSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int measured = rate * seconds;
        int warmUpLines = rate * warmUpSeconds;
        int total = warmUpLines + measured;
        KafkaBroker kafka = KafkaBroker.start();
        EtcdServer etcd = EtcdServer.start();
        SearchNode search = OpenSearchNode.start(Map.of());
        Path logs = Workspace.newDirectory("latency-logs");
        Path file = logs.resolve("latency.log");
        Files.writeString(file, "");
        etcd.put("/logcollect/policies/latency/entries", "[{\"id\":\"latency\",\"paths\":[\"" + file
                + "\"],\"topic\":\"latency\",\"start_at\":\"beginning\"}]");

        // the shipped sink subscribes by pattern, which sees a new topic only at its next metadata refresh
        kafka.createTopic("latency", 1);
        // the shipped worker and connector configs, with only addresses, paths and cluster sizes replaced
        ConnectWorker central = ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka),
                "central-distributed.properties").start();
        central.putConnector("latency-sink", ShippedConfigs.sink(search.url(), "latency"));
        ConnectWorker agent = ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka, etcd.endpoint()),
                "agent-standalone.properties").connector("latency-agent", ShippedConfigs.agent("latency", logs))
                .start();
        agent.awaitRunning("latency-agent", 1, Duration.ofMinutes(1));
        central.awaitRunning("latency-sink", 6, Duration.ofMinutes(1));
        firstLine(file, search);

        long[] appendedAt = new long[total];
        int before = (int) visible(search);
        List<long[]> samples = new ArrayList<>();
        Thread writer = new Thread(() -> append(file, rate, total, appendedAt));
        writer.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(warmUpSeconds + seconds + 60L).toNanos();
        long count = 0;
        org.apache.kafka.clients.admin.Admin admin = kafka.admin();
        var partition = new org.apache.kafka.common.TopicPartition("latency", 0);
        while (count < total + before && System.nanoTime() < deadline) {
            long inKafka = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(partition).get().offset();
            long indexed = indexed(search);
            count = visible(search);
            samples.add(new long[] {System.nanoTime(), count - before, inKafka - before, indexed - before});
            Thread.sleep(50);
        }
        writer.join();
        admin.close();
        long[] latencies = latencies(samples, appendedAt, warmUpLines, 1);
        long[] toKafka = latencies(samples, appendedAt, warmUpLines, 2);
        long[] toIndexed = latencies(samples, appendedAt, warmUpLines, 3);
        agent.stop();
        central.stop();
        search.stop();
        etcd.stop();
        kafka.stop();
        System.out.printf("%n== append-to-searchable latency: %,d lines/s for %d s (%,d lines) after %d s of warm-up at"
                + " the same rate, OpenSearch refresh 1 s ==%n", rate, seconds, measured, warmUpSeconds);
        System.out.printf("searchable: %,d of %,d lines%n", count - before, total);
        System.out.printf("append to searchable: p50 %6.0f ms, p90 %6.0f ms, p99 %6.0f ms (goal < 3000 ms), max %6.0f ms%n",
                ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 1.0));
        System.out.printf("append to Kafka:      p50 %6.0f ms, p90 %6.0f ms, p99 %6.0f ms, max %6.0f ms%n",
                ms(toKafka, 0.50), ms(toKafka, 0.90), ms(toKafka, 0.99), ms(toKafka, 1.0));
        System.out.printf("append to indexed:    p50 %6.0f ms, p90 %6.0f ms, p99 %6.0f ms, max %6.0f ms"
                        + " (bulk acknowledged, before the refresh that makes it searchable)%n",
                ms(toIndexed, 0.50), ms(toIndexed, 0.90), ms(toIndexed, 0.99), ms(toIndexed, 1.0));
    }

    /**
     * Sorted latencies of the lines from {@code from} on: line n is there at the first sample whose column holds
     * more than n records.
     */
    private static long[] latencies(List<long[]> samples, long[] appendedAt, int from, int column) {
        long[] latencies = new long[appendedAt.length - from];
        int sample = 0;
        for (int line = from; line < appendedAt.length; line++) {
            while (sample < samples.size() && samples.get(sample)[column] <= line) {
                sample++;
            }
            latencies[line - from] = sample < samples.size() ? samples.get(sample)[0] - appendedAt[line] : Long.MAX_VALUE;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Documents the engine has indexed (acknowledged to the sink), searchable or not yet: its indexing count. */
    private static long indexed(SearchNode search) {
        return search.http().get("/latency-*/_stats/indexing").expectOk().at("/_all/primaries/indexing/index_total")
                .asLong();
    }

    /** Documents visible to searches now: {@code _count} without forcing a refresh, so the index refreshes on its own. */
    private static long visible(SearchNode search) {
        return search.http().get("/latency-*/_count").expectOk().path("count").asLong();
    }

    private static double ms(long[] sorted, double quantile) {
        long nanos = sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
        return nanos == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : nanos / 1e6;
    }

    /** One line through the pipeline first, so the index and its mapping exist before timing starts. */
    private static void firstLine(Path file, SearchNode search) throws Exception {
        Files.writeString(file, "warm-up\n", java.nio.file.StandardOpenOption.APPEND);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (search.count("latency-*") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Appends {@code total} lines at {@code rate} lines/s in 10 ms slices, recording when each was written. */
    private static void append(Path file, int rate, int total, long[] appendedAt) {
        int perSlice = Math.max(1, rate / 100);
        long start = System.nanoTime();
        try (BufferedWriter out = Files.newBufferedWriter(file, java.nio.file.StandardOpenOption.APPEND)) {
            for (int line = 0; line < total; ) {
                for (int i = 0; i < perSlice && line < total; i++, line++) {
                    out.write("2026-11-25T10:00:00.000Z INFO latency probe line " + line + "\n");
                }
                out.flush();
                long now = System.nanoTime();
                for (int i = line - perSlice; i < line; i++) {
                    if (i >= 0) {
                        appendedAt[i] = now;
                    }
                }
                long next = start + (long) line * 1_000_000_000L / rate;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot append to " + file, e);
        }
    }
}
