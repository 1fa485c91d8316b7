package io.logcollect.tail.bench;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.ServiceProcess;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * How long the lines of a quiet file take to reach Kafka while two other files of the same task (another entry
 * of its policy) are read with a large backlog (issue 14, item 5), against the same file read with no backlog, in
 * one run: the agent gives every entry with new lines an equal share of each poll, and each of its files an equal
 * part of that, so the quiet file's lines do not wait for the burst.
 *
 * <p>The agent runs with Kafka's default producer settings (16 KB batches, no compression), as a worker started
 * from a stock config would, where the producer is the bottleneck and a backlog queues up in its buffer; {@code
 * tuned} gives it the settings the shipped agent config uses. A warm-up run comes first and is not counted.
 *
 * <p>Run: {@code bin/benchmark fairness [burst-lines-per-file] [quiet-lines] [default|tuned]} (default 400000,
 * 20000, default).
 */
public final class FairnessBenchmark {

    private static final String TUNED_PRODUCER = "acks=all linger.ms=5 batch.size=262144 compression.type=lz4";

    private FairnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        int quiet = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        boolean tuned = args.length > 2 && args[2].equals("tuned");
        String producer = tuned ? TUNED_PRODUCER : "Kafka's defaults";
        KafkaBroker kafka = KafkaBroker.start();
        ConnectWorker.Builder builder = ConnectWorker.standalone(kafka).heap("2g");
        if (tuned) {
            for (String setting : TUNED_PRODUCER.split(" ")) {
                String[] kv = setting.split("=");
                builder.property("producer." + kv[0], kv[1]);
            }
        }
        ConnectWorker agent = builder.start();
        Result alone;
        Result during;
        try (Admin admin = kafka.admin()) {
            run(kafka, admin, agent, "warmup", burst / 4, quiet);
            alone = run(kafka, admin, agent, "alone", 0, quiet);
            during = run(kafka, admin, agent, "burst", burst, quiet);
        }
        agent.stop();
        kafka.stop();

        System.out.printf("%n== fairness: %,d lines on a quiet file while two files of the same task have %,d lines "
                + "each to read; one task, producer %s ==%n", quiet, burst, producer);
        System.out.printf("quiet file alone           : %6.2f s (its first line in Kafka after %.2f s)%n",
                alone.seconds, alone.firstLineSeconds);
        System.out.printf("quiet file during the burst: %6.2f s (its first line in Kafka after %.2f s), burst %,d of %,d"
                + " lines delivered by then%n", during.seconds, during.firstLineSeconds, during.burstDelivered,
                2L * burst);
        System.out.printf("ratio during / alone       : %6.1f%n", during.seconds / alone.seconds);
    }

    private record Result(double seconds, double firstLineSeconds, long burstDelivered) {
    }

    private static Result run(KafkaBroker kafka, Admin admin, ConnectWorker agent, String name, int burst, int quiet)
            throws IOException, InterruptedException, ExecutionException {
        Path dir = Workspace.newDirectory("fairness-" + name);
        String busyTopic = "fairness-busy-" + name;
        String quietTopic = "fairness-quiet-" + name;
        kafka.createTopic(busyTopic, 1);
        kafka.createTopic(quietTopic, 1);
        Path quietFile = dir.resolve("quiet/c.log");
        Files.createDirectories(quietFile.getParent());
        Files.createDirectories(dir.resolve("busy"));
        for (String file : new String[] {"a.log", "b.log"}) {
            writeLines(dir.resolve("busy").resolve(file), file, burst);
        }
        String entries = "[{\"id\":\"busy\",\"paths\":[\"" + dir + "/busy/*.log\"],\"topic\":\"" + busyTopic
                + "\",\"start_at\":\"beginning\"},{\"id\":\"quiet\",\"paths\":[\"" + quietFile + "\"],\"topic\":\""
                + quietTopic + "\",\"start_at\":\"beginning\"}]";
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "1");
        config.put("collect.entries", entries);
        config.put("allowed.paths", dir.toString());
        config.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        agent.putConnector("fairness-" + name, config);
        agent.awaitRunning("fairness-" + name, 1, java.time.Duration.ofMinutes(1));
        while (burst > 0 && endOffset(admin, busyTopic) < Math.min(50_000, burst)) {
            ServiceProcess.sleep(20);
        }
        long start = System.nanoTime();
        writeLines(quietFile, "c.log", quiet);
        long firstAt = 0;
        long shipped;
        while ((shipped = endOffset(admin, quietTopic)) < quiet) {
            if (shipped > 0 && firstAt == 0) {
                firstAt = System.nanoTime();
            }
            ServiceProcess.sleep(20);
        }
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        long delivered = endOffset(admin, busyTopic);
        agent.deleteConnector("fairness-" + name);
        return new Result(seconds, ((firstAt == 0 ? end : firstAt) - start) / 1e9, delivered);
    }

    private static long endOffset(Admin admin, String topic) throws InterruptedException, ExecutionException {
        TopicPartition partition = new TopicPartition(topic, 0);
        ListOffsetsResult result = admin.listOffsets(Map.of(partition, OffsetSpec.latest()));
        return result.partitionResult(partition).get().offset();
    }

    private static void writeLines(Path file, String prefix, int lines) throws IOException {
        StringBuilder padding = new StringBuilder();
        while (padding.length() < 160) {
            padding.append("padding-");
        }
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < lines; i++) {
                out.write(prefix + " line " + i + " " + padding + "\n");
            }
        }
    }
}
