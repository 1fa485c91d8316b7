package io.logcollect.stack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.BenchmarkLines;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Our agent against two native peers, in one run into one broker: rsyslog ({@code imfile} -> {@code omkafka}) and
 * syslog-ng ({@code wildcard-file} -> {@code kafka-c}), both with librdkafka as their producer, and the tail
 * connector each read their own copy of the same file, one after the other, into a topic of their own. They take
 * turns for a few rounds (three by default), so that a slow moment of this shared machine hits all three. Prints
 * lines/s (from the start until the topic holds every line) and CPU seconds per million lines (the whole process:
 * the daemon with its librdkafka threads; the agent worker's JVM with its GC and compiler threads, from creating
 * its connector until it is deleted) per round, and the ratios. For the agent it also prints the CPU per million lines
 * while it reads, from the first lines found in its topic to the last: what an agent in service spends per line. Goals: the agent at least twice as fast as rsyslog and ahead of syslog-ng in every round.
 *
 * <p>The peers are set up as a user would for this job: a JSON record with the timestamp, host, file path and
 * message, lz4, {@code acks=all}, and librdkafka buffers large enough that nothing is dropped (the benchmark checks
 * every line arrived, and the first record's fields). The agent runs the shipped worker properties, JVM options
 * and tail connector config ({@code connect-configs/}, producer settings included), with its one entry inline
 * instead of from etcd. The agent's worker first reads the whole file three times, each time into a topic of its own by a
 * connector of its own, so that its JIT has compiled the hot paths as in an agent that has run a while; the peers
 * are native code and need no warm-up. One read was not enough: the compiler thread still took 1.19 CPU s of the
 * next connector's read of 3M lines, 0.52 s of the one after, and 0.19 s of the fourth (each thread's CPU time
 * from {@code /proc}), as each new connector's producer and task ran code compiled for the one before.
 *
 * <p>Run: {@code bin/benchmark peers [lines] [rounds] [shipped|kafka-defaults]} (3,000,000 lines of 200 bytes,
 * 3 rounds, the agent's JVM with the shipped {@code agent-standalone.env} by default; {@code kafka-defaults} runs it
 * as {@code bin/connect-standalone.sh} does without that file, on Kafka's broker defaults). It
 * needs Debian's {@code rsyslog} and {@code rsyslog-kafka} packages, which {@code bin/benchmark} installs, and
 * syslog-ng 3.38 unpacked from Debian's {@code syslog-ng-core} and {@code syslog-ng-mod-rdkafka} into the
 * directory the system property {@code logcollect.syslog-ng.root} names, which {@code bin/benchmark} does.
 */
public final class PeersBenchmark {

    private static final int LINE_BYTES = 200;
    private static final int WARM_UP_READS = 3;
    /** The JVM options {@code bin/connect-standalone.sh} starts a worker with when nothing sets its variables. */
    private static final List<String> KAFKA_SCRIPT_DEFAULTS = List.of("-Xms256M", "-Xmx2G", "-server",
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15");

    private PeersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String jvm = args.length > 2 ? args[2] : "shipped";
        if (!jvm.equals("shipped") && !jvm.equals("kafka-defaults")) {
            throw new IllegalArgumentException("the agent's JVM is 'shipped' or 'kafka-defaults', not '" + jvm + "'");
        }
        Path syslogNg = Path.of(System.getProperty("logcollect.syslog-ng.root", "/"));
        KafkaBroker kafka = KafkaBroker.start();
        Path original = Workspace.newDirectory("peers-file").resolve("app.log");
        BenchmarkLines.write(original, lines, LINE_BYTES);
        String rsyslogVersion = firstLine(new ProcessBuilder("rsyslogd", "-v")).replaceFirst("^rsyslogd\\s+", "").replaceFirst("\\s.*", "");
        String syslogNgVersion = firstLine(syslogNg(syslogNg, "--version"))
                .replaceFirst(".*\\((.*)\\).*", "$1");
        Path agentLogs = Workspace.newDirectory("peers-agent-logs");
        Files.copy(original, agentLogs.resolve("warm-up.log"));
        ConnectWorker.Builder agentWorker = ShippedConfigs.withWorkerProperties(ConnectWorker.standalone(kafka),
                "agent-standalone.properties");
        if (jvm.equals("kafka-defaults")) {
            agentWorker.jvmOptions(KAFKA_SCRIPT_DEFAULTS);
        }
        ConnectWorker agent = agentWorker.start();
        List<Double> rsyslogRatios = new ArrayList<>();
        List<Double> syslogNgRatios = new ArrayList<>();
        List<String> results = new ArrayList<>();
        try {
            for (int warmUp = 1; warmUp <= WARM_UP_READS; warmUp++) {
                read(kafka, agent, agentLogs, "warm-up.log", "peers-agent-warm-up-" + warmUp, lines);
            }
            for (int round = 1; round <= rounds; round++) {
                Path rsyslogFile = Workspace.newDirectory("peers-rsyslog-logs").resolve("app.log");
                Files.copy(original, rsyslogFile);
                Run rsyslog = rsyslog(kafka, rsyslogFile, lines, "peers-rsyslog-" + round);
                Files.delete(rsyslogFile);
                Path syslogNgFile = Workspace.newDirectory("peers-syslog-ng-logs").resolve("app.log");
                Files.copy(original, syslogNgFile);
                Run syslogNgRun = syslogNg(syslogNg, kafka, syslogNgFile, lines, "peers-syslog-ng-" + round);
                Files.delete(syslogNgFile);
                String agentFile = "app-" + round + ".log";
                Files.copy(original, agentLogs.resolve(agentFile));
                Duration before = cpu(agent);
                AgentRead read = read(kafka, agent, agentLogs, agentFile, "peers-agent-" + round, lines);
                Run ours = new Run(lines, read.seconds(), cpu(agent).minus(before));
                Files.delete(agentLogs.resolve(agentFile));
                rsyslogRatios.add(ours.linesPerSecond() / rsyslog.linesPerSecond());
                syslogNgRatios.add(ours.linesPerSecond() / syslogNgRun.linesPerSecond());
                results.add(String.format("round %d: rsyslog %,9.0f lines/s %5.2f CPU s/M | syslog-ng %,9.0f lines/s"
                                + " %5.2f CPU s/M | agent %,9.0f lines/s %5.2f CPU s/M (%.2f while reading) | agent / rsyslog"
                                + " %.2f, agent / syslog-ng %.2f", round, rsyslog.linesPerSecond(),
                        rsyslog.cpuSecondsPerMillion(), syslogNgRun.linesPerSecond(),
                        syslogNgRun.cpuSecondsPerMillion(), ours.linesPerSecond(), ours.cpuSecondsPerMillion(),
                        read.steadyCpuSecondsPerMillion(),
                        rsyslogRatios.get(round - 1), syslogNgRatios.get(round - 1)));
            }
        } finally {
            agent.stop();
        }
        kafka.stop();

        System.out.printf("%n== native peers, side by side: %,d lines of %d bytes, one file each, one broker ==%n",
                lines, LINE_BYTES);
        System.out.println("rsyslog " + rsyslogVersion + " (imfile -> omkafka) and syslog-ng " + syslogNgVersion
                + " (wildcard-file -> kafka-c), lz4, acks=all, against the logcollect agent (shipped connect-configs,"
                + " warmed up by " + WARM_UP_READS + " reads; its JVM " + (jvm.equals("shipped")
                ? "with the shipped agent-standalone.env" : "on Kafka's script defaults " + KAFKA_SCRIPT_DEFAULTS)
                + "), taking turns so that the machine's slow moments hit all three");
        results.forEach(System.out::println);
        summary("agent / rsyslog", rsyslogRatios, "goal >= 2.00 in every round");
        summary("agent / syslog-ng", syslogNgRatios, "goal > 1.00 in every round");
    }

    private static void summary(String what, List<Double> ratios, String goal) {
        List<Double> sorted = ratios.stream().sorted().toList();
        System.out.printf("ratio %s, lines/s: median %.2f of %d rounds (lowest %.2f, highest %.2f; %s)%n", what,
                sorted.get(sorted.size() / 2), sorted.size(), sorted.get(0), sorted.get(sorted.size() - 1), goal);
    }

    /** Runs rsyslogd in the foreground on {@code file} until the topic holds every line, then stops it. */
    private static Run rsyslog(KafkaBroker kafka, Path file, int lines, String topic) throws Exception {
        kafka.createTopic(topic, 1);
        Path dir = Workspace.newDirectory("peers-rsyslogd");
        Files.createDirectories(dir.resolve("work"));
        Path config = dir.resolve("rsyslog.conf");
        Files.writeString(config, rsyslogConfig(dir.resolve("work"), file, topic, kafka.bootstrapServers()));
        Process rsyslogd = new ProcessBuilder("rsyslogd", "-n", "-f", config.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        return measure("rsyslog", rsyslogd, dir.resolve("rsyslogd.out"), kafka, file, lines, topic);
    }

    /**
     * imfile reads the file from its start; omkafka sends each line as a JSON object through librdkafka with lz4 and
     * acks=all, with queues of a million messages and a GiB so that nothing is dropped while the broker catches up.
     */
    static String rsyslogConfig(Path workDirectory, Path file, String topic, String brokers) {
        return """
                global(workDirectory="%s")
                module(load="imfile" mode="inotify")
                module(load="omkafka")
                template(name="ecs" type="list" option.jsonf="on") {
                  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
                  property(outname="host" name="hostname" format="jsonf")
                  property(outname="file" name="$!metadata!filename" format="jsonf")
                  property(outname="message" name="msg" format="jsonf")
                }
                input(type="imfile" file="%s" tag="app" addMetadata="on" freshStartTail="off")
                action(type="omkafka" topic="%s" broker=["%s"] template="ecs" resubmitOnFailure="on"
                       confParam=["compression.codec=lz4", "acks=all", "queue.buffering.max.messages=1000000",
                                  "queue.buffering.max.kbytes=1048576", "batch.size=262144", "linger.ms=20"])
                """.formatted(workDirectory, file, topic, brokers);
    }

    /**
     * Runs syslog-ng in the foreground on {@code file} until the topic holds every line, then stops it: the file
     * read from its start with flow control (a line waits rather than being dropped when the Kafka queue is full),
     * each line sent as a JSON object through librdkafka with lz4, acks=all and the same queues as rsyslog's.
     */
    private static Run syslogNg(Path root, KafkaBroker kafka, Path file, int lines, String topic) throws Exception {
        kafka.createTopic(topic, 1);
        Path dir = Workspace.newDirectory("peers-syslog-ng");
        Path config = dir.resolve("syslog-ng.conf");
        Files.writeString(config, """
                @version: 3.38
                options { stats-freq(0); use-dns(no); };
                source s_app { wildcard-file(base-dir("%s") filename-pattern("%s") flags(no-parse)
                               log-fetch-limit(1000) log-iw-size(100000)); };
                destination d_kafka { kafka-c(bootstrap-servers("%s") topic("%s")
                  config("compression.codec" => "lz4" "acks" => "all" "queue.buffering.max.messages" => "1000000"
                         "queue.buffering.max.kbytes" => "1048576" "batch.size" => "262144" "linger.ms" => "20")
                  message("$(format-json --scope none @timestamp=${ISODATE} host=${HOST} file=${FILE_NAME}
                           message=${MESSAGE})")
                  log-fifo-size(100000)); };
                log { source(s_app); destination(d_kafka); flags(flow-control); };
                """.formatted(file.getParent(), file.getFileName(), kafka.bootstrapServers(), topic));
        Process syslogNg = syslogNg(root, "-F", "--no-caps", "-f", config.toString(),
                "-R", dir.resolve("persist").toString(), "-p", dir.resolve("pid").toString(),
                "-c", dir.resolve("ctl").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("syslog-ng.out").toFile()).start();
        return measure("syslog-ng", syslogNg, dir.resolve("syslog-ng.out"), kafka, file, lines, topic);
    }

    /**
     * Times a peer's process from now until the topic holds every line, with its CPU time, checks its first
     * record, then stops it.
     */
    private static Run measure(String peer, Process process, Path output, KafkaBroker kafka, Path file, int lines,
                               String topic) throws Exception {
        try {
            long start = System.nanoTime();
            double seconds = awaitLines(kafka, topic, lines, start, process::isAlive, output);
            Duration cpu = process.toHandle().info().totalCpuDuration().orElseThrow();
            checkPeerRecord(peer, kafka, topic, file);
            return new Run(lines, seconds, cpu);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    /** syslog-ng as unpacked under {@code root}, not installed: its library and modules are found there. */
    private static ProcessBuilder syslogNg(Path root, String... arguments) {
        List<String> command = new ArrayList<>(List.of(root.resolve("usr/sbin/syslog-ng").toString(),
                "--module-path=" + root.resolve("usr/lib/syslog-ng/3.38")));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LD_LIBRARY_PATH", root.resolve("usr/lib/syslog-ng").toString());
        return builder;
    }

    /** A record as a peer wrote it holds the fields a user would search: the file, the host, the line. */
    private static void checkPeerRecord(String peer, KafkaBroker kafka, String topic, Path file) throws IOException {
        String value = kafka.consume(topic, 1, Duration.ofMinutes(1)).get(0).value();
        JsonNode record = HttpJson.MAPPER.readTree(value);
        for (String field : List.of("@timestamp", "host", "file", "message")) {
            if (record.path(field).asText().isEmpty()) {
                throw new IllegalStateException(peer + "'s record has no " + field + ": " + value);
            }
        }
        if (!record.path("file").asText().equals(file.toString())
                || !record.path("message").asText().startsWith("2026-11-24T10:00:00.000Z INFO request 0 ")) {
            throw new IllegalStateException(peer + "'s first record is not the file's first line: " + value);
        }
    }

    /**
     * Seconds from creating the agent's connector for {@code file} until its topic holds every line, and the
     * worker's CPU seconds per million lines between the first sample that found lines in the topic and the one that
     * found them all: the reading itself, without the connector's start and stop, which cost the worker about half
     * a CPU second each round (mostly its compiler, on the paths a new connector takes), whatever the file's size.
     */
    private static AgentRead read(KafkaBroker kafka, ConnectWorker worker, Path logs, String file, String topic,
                                  int lines) throws Exception {
        kafka.createTopic(topic, 1);
        Map<String, String> config = ShippedConfigs.agent(topic, logs);
        config.put("collect.entries", "[{\"id\":\"app\",\"paths\":[\"" + logs.resolve(file) + "\"],\"topic\":\""
                + topic + "\",\"start_at\":\"beginning\"}]");
        long start = System.nanoTime();
        worker.putConnector(topic, config);
        long[] first = {-1, 0};
        long[] last = {0, 0};
        double seconds = awaitLines(kafka, topic, lines, start, () -> true, worker.process().logFile(), count -> {
            if (count > 0 && first[0] < 0) {
                first[0] = count;
                first[1] = cpu(worker).toNanos();
            }
            last[0] = count;
            last[1] = cpu(worker).toNanos();
        });
        worker.deleteConnector(topic);
        double steady = last[0] > first[0] ? (last[1] - first[1]) / 1e9 / ((last[0] - first[0]) / 1e6) : Double.NaN;
        return new AgentRead(seconds, steady);
    }

    /** @param steadyCpuSecondsPerMillion between the first lines found in the topic and the last */
    private record AgentRead(double seconds, double steadyCpuSecondsPerMillion) {
    }

    private static Duration cpu(ConnectWorker worker) {
        return ProcessHandle.of(worker.process().pid()).flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow();
    }

    /**
     * Seconds from {@code start} until {@code topic} (one partition, no transactions) holds {@code lines} records;
     * fails after 10 minutes. One admin client asks for the end offset every 50 ms, so that watching costs the
     * broker and this machine's two cores next to nothing.
     */
    private static double awaitLines(KafkaBroker kafka, String topic, int lines, long start, BooleanSupplier alive,
                                     Path log) throws Exception {
        return awaitLines(kafka, topic, lines, start, alive, log, count -> { });
    }

    /** As above, telling {@code sampled} each count read, the last one {@code lines}. */
    private static double awaitLines(KafkaBroker kafka, String topic, int lines, long start, BooleanSupplier alive,
                                     Path log, LongConsumer sampled) throws Exception {
        long deadline = start + Duration.ofMinutes(10).toNanos();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = kafka.admin()) {
            long count;
            while ((count = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get()
                    .offset()) < lines) {
                sampled.accept(count);
                if (System.nanoTime() > deadline || !alive.getAsBoolean()) {
                    throw new IllegalStateException(topic + " holds " + count + " of " + lines + " lines; see " + log);
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sampled.accept(count);
            if (count > lines) {
                throw new IllegalStateException(topic + " holds " + count + " records for " + lines + " lines");
            }
            return seconds;
        }
    }

    private static String firstLine(ProcessBuilder command) throws IOException, InterruptedException {
        Process process = command.redirectErrorStream(true).start();
        String first = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("");
        process.waitFor();
        return first;
    }

    private record Run(int lines, double seconds, Duration cpu) {

        double linesPerSecond() {
            return lines / seconds;
        }

        double cpuSecondsPerMillion() {
            return cpu.toNanos() / 1e9 / (lines / 1e6);
        }
    }
}
