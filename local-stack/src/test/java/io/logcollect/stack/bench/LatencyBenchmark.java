package io.logcollect.stack.bench;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.Workspace;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Latency from append to searchable through the whole pipeline (file, agent, Kafka, sink, OpenSearch with the
 * refresh interval the shipped sink's template sets), and where it goes: lines are appended at a steady rate to one file; the topic's end
 * offset and the index's count are sampled every 25 ms, and a {@link BulkTap} between the sink and the engine
 * notes each bulk request and answer. Line n has reached a step at the first sample or event that counts more
 * than n. Prints p50, p90, p99 and the maximum of each step. Goal: searchable p99 under 1 s at 10,000 lines/s.
 *
 * <p>The agent and the central worker run the shipped {@code connect-configs/} (worker properties and connector
 * configs) with only addresses, paths and cluster sizes replaced, and the agent reads its policy from etcd.
 *
 * <p>The first {@code warm-up-seconds} of lines (same rate) let the JVMs compile their hot paths; they are
 * not measured, and the measured lines start once they are all searchable, so that the figures describe the
 * steady state rather than the backlog freshly started JVMs build while they compile. Run: {@code bin/benchmark latency [lines-per-second] [seconds] [warm-up-seconds]}.
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
        BulkTap tap = BulkTap.in(search.url());
        Map<String, String> sink = ShippedConfigs.sink(tap.url(), "latency");
        central.putConnector("latency-sink", sink);
        ConnectWorker agent = ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka, etcd.endpoint()),
                "agent-standalone.properties").connector("latency-agent", ShippedConfigs.agent("latency", logs))
                .start();
        agent.awaitRunning("latency-agent", 1, Duration.ofMinutes(1));
        central.awaitRunning("latency-sink", 6, Duration.ofMinutes(1));
        firstLine(file, search);

        long[] appendedAt = new long[total];
        int before = (int) visible(search);
        int sentBefore = tap.sent().size();
        int acknowledgedBefore = tap.acknowledged().size();
        AtomicReference<long[]> refreshesBefore = new AtomicReference<>();
        List<long[]> searchable = new ArrayList<>();
        List<long[]> inKafka = new ArrayList<>();
        AtomicLong visibleNow = new AtomicLong();
        Thread writer = new Thread(() -> {
            append(file, rate, 0, warmUpLines, appendedAt);
            awaitVisible(visibleNow, before + warmUpLines);
            refreshesBefore.set(refreshes(search));
            append(file, rate, warmUpLines, total, appendedAt);
        });
        writer.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(warmUpSeconds + seconds + 240L).toNanos();
        long count = 0;
        org.apache.kafka.clients.admin.Admin admin = kafka.admin();
        var partition = new org.apache.kafka.common.TopicPartition("latency", 0);
        while (count < total + before && System.nanoTime() < deadline) {
            count = visible(search);
            visibleNow.set(count);
            searchable.add(new long[] {System.nanoTime(), count - before});
            long offset = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(partition).get().offset();
            inKafka.add(new long[] {System.nanoTime(), offset - before});
            Thread.sleep(25);
        }
        writer.join();
        admin.close();
        long[] toSearchable = latencies(searchable, appendedAt, warmUpLines, 0);
        long[] toKafka = latencies(inKafka, appendedAt, warmUpLines, 0);
        long[] toSent = latencies(tap.sent().subList(sentBefore, tap.sent().size()), appendedAt, warmUpLines,
                documentsBefore(tap.sent(), sentBefore));
        long[] toAcknowledged = latencies(tap.acknowledged().subList(acknowledgedBefore, tap.acknowledged().size()),
                appendedAt, warmUpLines, documentsBefore(tap.acknowledged(), acknowledgedBefore));
        long[] refreshesAfter = refreshes(search);
        List<long[]> requests = tap.requests().stream().filter(request -> request[0] >= appendedAt[warmUpLines])
                .toList();
        tap.close();
        agent.stop();
        central.stop();
        search.stop();
        etcd.stop();
        kafka.stop();
        System.out.printf("%n== append-to-searchable latency: %,d lines/s for %d s (%,d lines) after %d s of warm-up at"
                + " the same rate (and its backlog cleared), OpenSearch refresh interval %s ==%n", rate, seconds, measured,
                warmUpSeconds, sink.getOrDefault("index.template.refresh.interval", "1s (the engine's default)"));
        System.out.printf("searchable: %,d of %,d lines%n", count - before, total);
        print("append to Kafka", toKafka, "");
        print("append to bulk sent", toSent, " (the sink's request reaches the engine)");
        print("append to bulk acked", toAcknowledged, " (indexed, not yet refreshed)");
        print("append to searchable", toSearchable, " (goal: p99 < 1000 ms)");
        long[] inEngine = requests.stream().mapToLong(request -> request[2]).sorted().toArray();
        System.out.printf("bulk requests: %,d of %.0f documents on average, in the engine p50 %.0f ms, p99 %.0f ms%n",
                requests.size(), requests.stream().mapToLong(request -> request[1]).average().orElse(0),
                ms(inEngine, 0.5), ms(inEngine, 0.99));
        long refreshCount = refreshesAfter[0] - refreshesBefore.get()[0];
        System.out.printf("refreshes while measured: %,d, %.0f ms each on average%n", refreshCount,
                refreshCount == 0 ? 0.0 : (refreshesAfter[1] - refreshesBefore.get()[1]) / (double) refreshCount);
    }

    private static void print(String step, long[] latencies, String note) {
        System.out.printf("%-22s p50 %6.0f ms, p90 %6.0f ms, p99 %6.0f ms, max %6.0f ms%s%n", step + ":",
                ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 1.0), note);
    }

    /** Documents the tap had counted before the measured events began. */
    private static long documentsBefore(List<long[]> events, int from) {
        return from == 0 ? 0 : events.get(from - 1)[1];
    }

    /**
     * Sorted latencies of the lines from {@code from} on, given {@code {nanoTime, count}} events: line n is there
     * at the first event whose count, less {@code countBefore}, is above n.
     */
    private static long[] latencies(List<long[]> events, long[] appendedAt, int from, long countBefore) {
        long[] latencies = new long[appendedAt.length - from];
        int event = 0;
        for (int line = from; line < appendedAt.length; line++) {
            while (event < events.size() && events.get(event)[1] - countBefore <= line) {
                event++;
            }
            latencies[line - from] = event < events.size() ? events.get(event)[0] - appendedAt[line] : Long.MAX_VALUE;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** {@code {refreshes, milliseconds spent refreshing}} of the benchmark's index so far. */
    private static long[] refreshes(SearchNode search) {
        var refresh = search.http().get("/latency-*/_stats/refresh").expectOk().at("/_all/primaries/refresh");
        return new long[] {refresh.path("total").asLong(), refresh.path("total_time_in_millis").asLong()};
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

    /**
     * Waits until the warm-up lines are all searchable, so that the measured lines meet a pipeline in its steady
     * state rather than the backlog that freshly started JVMs build while they compile.
     */
    private static void awaitVisible(AtomicLong visibleNow, long lines) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (visibleNow.get() < lines && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Appends lines {@code from} to {@code to} at {@code rate} lines/s in 10 ms slices, recording when each was
     * written.
     */
    private static void append(Path file, int rate, int from, int to, long[] appendedAt) {
        int perSlice = Math.max(1, rate / 100);
        long start = System.nanoTime();
        try (BufferedWriter out = Files.newBufferedWriter(file, java.nio.file.StandardOpenOption.APPEND)) {
            for (int line = from; line < to; ) {
                for (int i = 0; i < perSlice && line < to; i++, line++) {
                    out.write("2026-11-25T10:00:00.000Z INFO latency probe line " + line + "\n");
                }
                out.flush();
                long now = System.nanoTime();
                for (int i = line - perSlice; i < line; i++) {
                    if (i >= from) {
                        appendedAt[i] = now;
                    }
                }
                long next = start + (long) (line - from) * 1_000_000_000L / rate;
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
