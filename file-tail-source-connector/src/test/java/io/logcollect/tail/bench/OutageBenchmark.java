package io.logcollect.tail.bench;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.RotatingLog;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A long Kafka outage under log rotation (issue 21): the shipped agent (standalone worker and connector configs,
 * policy from etcd) tails two files written at 1,000 lines/s each, one entry on the live name only and one on a
 * glob over every generation, while logrotate renames {@code app.log} to {@code app.log.1} every 15 s, deleting
 * the one before ({@code rotate 1}). Kafka is stopped for the given time, then started again. Prints the lines
 * written and lost (the goal is none), how long the agent took to catch up, and the agent's peak open files, held
 * bytes (unread bytes of rotated and deleted files it held open) and resident memory during the outage.
 *
 * <p>Run: {@code bin/benchmark outage [seconds]} (default 600).
 */
public final class OutageBenchmark {

    private static final int LINES_PER_SECOND = 1000;
    private static final Duration ROTATE_EVERY = Duration.ofSeconds(15);
    private static final String WORKER_ID = "outage-benchmark";

    private OutageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int outageSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        KafkaBroker kafka = KafkaBroker.start();
        EtcdServer etcd = EtcdServer.start();
        Path dir = Workspace.newDirectory("outage-benchmark");
        RotatingLog live = new RotatingLog(Files.createDirectories(dir.resolve("live")), "live", LINES_PER_SECOND,
                ROTATE_EVERY);
        RotatingLog glob = new RotatingLog(Files.createDirectories(dir.resolve("glob")), "glob", LINES_PER_SECOND,
                ROTATE_EVERY);
        etcd.put("/logcollect/policies/outage/entries", "[" + entry("live", "bench-live", dir.resolve("live/app.log"))
                + "," + entry("glob", "bench-glob", dir.resolve("glob/app.log*")) + "]");
        Map<String, String> connector = ShippedConfigs.agent("outage", dir);
        connector.put("tasks.max", "1");
        ConnectWorker agent = ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka, etcd.endpoint()),
                        "agent-standalone.properties")
                .property("config.providers.etcd.param.registry.worker.id", WORKER_ID)
                .connector("outage", connector).start();
        agent.awaitRunning("outage", 1, Duration.ofSeconds(60));
        live.start();
        glob.start();
        sleep(10_000);

        kafka.stop();
        long stopped = System.nanoTime();
        Peaks peaks = new Peaks();
        while (System.nanoTime() - stopped < Duration.ofSeconds(outageSeconds).toNanos()) {
            sleep(5_000);
            peaks.sample(agent.process().pid(), etcd.get("/logcollect/agents/" + WORKER_ID));
        }
        kafka.startProcess();
        long started = System.nanoTime();
        live.stop();
        glob.stop();
        long written = live.written() + glob.written();
        double caughtUp = awaitAll(kafka, written, started);
        long missingLive = missing(kafka, "bench-live", live.written());
        long missingGlob = missing(kafka, "bench-glob", glob.written());
        agent.stop();
        etcd.stop();
        kafka.stop();

        System.out.printf("%n== outage: Kafka away %d s, two files at %,d lines/s each, rotated every %d s (rotate 1);"
                + " the shipped agent ==%n", outageSeconds, LINES_PER_SECOND, ROTATE_EVERY.toSeconds());
        System.out.printf("lines written      : %,d (live name %,d, glob %,d)%n", written, live.written(),
                glob.written());
        System.out.printf("lines lost         : %,d (live name %,d, glob %,d)%n", missingLive + missingGlob,
                missingLive, missingGlob);
        System.out.printf("caught up          : %.1f s after Kafka was back%n", caughtUp);
        System.out.printf("peak open files    : %d (the worker's descriptors)%n", peaks.files);
        System.out.printf("peak held bytes    : %,d (registry: unread bytes of rotated and deleted files held)%n",
                peaks.held);
        System.out.printf("peak agent RSS     : %,d MB%n", peaks.rss / (1024 * 1024));
    }

    private static String entry(String id, String topic, Path glob) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + glob + "\"],\"topic\":\"" + topic
                + "\",\"start_at\":\"beginning\"}";
    }

    /** The largest open file count, held bytes and resident memory seen. */
    private static final class Peaks {
        long files;
        long held;
        long rss;

        void sample(long pid, String registration) throws IOException {
            try (var descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                files = Math.max(files, descriptors.count());
            }
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Math.max(rss, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
            if (registration != null) {
                held = Math.max(held, HttpJson.MAPPER.readTree(registration).at("/output/held_bytes").asLong());
            }
        }
    }

    /** Seconds from {@code startedNanos} until both topics hold {@code lines} records. */
    private static double awaitAll(KafkaBroker kafka, long lines, long startedNanos) {
        while (true) {
            long count = kafka.recordCount("bench-live") + kafka.recordCount("bench-glob");
            if (count >= lines) {
                return (System.nanoTime() - startedNanos) / 1e9;
            }
            if (System.nanoTime() - startedNanos > Duration.ofMinutes(30).toNanos()) {
                System.out.printf("not caught up after 30 minutes: %,d of %,d lines in Kafka%n", count, lines);
                return Double.NaN;
            }
            sleep(1000);
        }
    }

    /** Lines numbered 0 to {@code written} that are not in the topic. */
    private static long missing(KafkaBroker kafka, String topic, long written) {
        BitSet seen = new BitSet();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    int message = record.value().indexOf("\"message\":\"") + 11;
                    seen.set((int) RotatingLog.sequence(record.value().substring(message)));
                }
            }
        }
        return written - seen.get(0, (int) written).cardinality();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
