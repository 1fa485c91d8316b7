package io.logcollect.tail.bench;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;
import io.logcollect.tail.identity.ContentCheck;
import io.logcollect.tail.identity.EventIds;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.read.Line;
import io.logcollect.tail.read.LineReader;
import io.logcollect.tail.record.EcsRecords;
import io.logcollect.tail.record.LogRecordJsonConverter;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's own work per record on Connect's side, in one process and without servers: building the record
 * ({@link EcsRecords}) and writing its JSON with the converter we ship, against Kafka's {@link JsonConverter} on the
 * same records as the baseline (which reads the value through the {@code Struct} API, so Connect checks it there), for plain lines and for
 * access-log lines, whose quotes JSON escapes. Each round times the three in turn in CPU time of this thread, so a
 * slow moment of the machine hits all three; a first round warms the JIT and is not counted. Records are built and
 * converted a batch at a time, so that a record is converted soon after it was built, as a poll's batch is (in the
 * task another thread built it, which costs the converter some cache misses this benchmark does not see).
 *
 * <p>Run: {@code bin/benchmark records [records] [rounds]}.
 */
public final class RecordsBenchmark {

    private static final int LINE_BYTES = 200;
    private static final String TOPIC = "bench";
    /** Records are built and converted a batch at a time, as the task's read-ahead and Connect do. */
    private static final int BATCH = 2_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RecordsBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        Map<String, Object> settings = Map.of("schemas.enable", "false");
        Converter shipped = new LogRecordJsonConverter();
        shipped.configure(settings, false);
        Converter baseline = new JsonConverter();
        baseline.configure(settings, false);
        System.out.printf("== the agent's work per record, CPU time: %,d records of %d-byte lines, median of %d rounds"
                + " after a warm-up ==%n", count, LINE_BYTES, rounds);
        for (LineKind kind : LineKind.values()) {
            List<LogEvent> events = events(count, kind);
            SourceRecord[] records = new SourceRecord[count];
            double[] build = new double[rounds];
            double[] ours = new double[rounds];
            double[] theirs = new double[rounds];
            for (int round = -1; round < rounds; round++) {
                EcsRecords ecs = new EcsRecords("web-01", "web", false);
                long[] nanos = new long[3];
                for (int from = 0; from < count; from += BATCH) {
                    int to = Math.min(count, from + BATCH);
                    long start = THREADS.getCurrentThreadCpuTime();
                    for (int i = from; i < to; i++) {
                        records[i] = ecs.record(events.get(i));
                    }
                    long built = THREADS.getCurrentThreadCpuTime();
                    convert(shipped, records, from, to);
                    long shippedDone = THREADS.getCurrentThreadCpuTime();
                    convert(baseline, records, from, to);
                    nanos[0] += built - start;
                    nanos[1] += shippedDone - built;
                    nanos[2] += THREADS.getCurrentThreadCpuTime() - shippedDone;
                }
                if (round >= 0) {
                    build[round] = (double) nanos[0] / count;
                    ours[round] = (double) nanos[1] / count;
                    theirs[round] = (double) nanos[2] / count;
                }
            }
            System.out.printf("%-40s: building the record %,5.0f ns, LogRecordJsonConverter %,5.0f ns, JsonConverter"
                            + " %,5.0f ns (%.2fx)%n", kind.description, median(build), median(ours), median(theirs),
                    median(theirs) / median(ours));
        }
    }

    private static void convert(Converter converter, SourceRecord[] records, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            bytes += converter.fromConnectData(TOPIC, records[i].valueSchema(), records[i].value()).length;
        }
        if (bytes < (long) (to - from) * LINE_BYTES) {
            throw new AssertionError("records shorter than their lines: " + bytes + " bytes");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The lines of the benchmark. */
    private enum LineKind {
        PLAIN("lines as bin/benchmark tail writes them"),
        ACCESS_LOG("access-log lines, with quotes");

        final String description;

        LineKind(String description) {
            this.description = description;
        }

        String line(int i, String padding) {
            String head = this == PLAIN ? "2026-11-24T10:00:00.000Z INFO request " + i + " "
                    : "10.0.0." + i % 256 + " - - [24/Nov/2026:10:00:00 +0000] \"GET /item/" + i + " HTTP/1.1\" 200 512"
                    + " \"-\" \"Mozilla/5.0 ";
            String tail = this == PLAIN ? "" : "\"";
            return head + padding.substring(0, LINE_BYTES - 1 - head.length() - tail.length()) + tail;
        }
    }

    /**
     * Lines of one file of an entry with two labels, as the line reader returns them (it notes which are plain; its
     * scan is timed by {@code bin/benchmark tail}, not here).
     */
    private static List<LogEvent> events(int count, LineKind kind) throws IOException {
        CollectionEntry entry = new CollectionEntry("nginx", List.of("/var/log/nginx/*.log"), List.of(), "web_log",
                CollectionEntry.StartAt.END, StandardCharsets.UTF_8, Optional.empty(), 1 << 20,
                Map.of("app", "shop", "env", "prod"), Optional.empty(), Optional.empty(), true);
        FileIdentity fileIdentity = new FileIdentity("801", "131", "7c9e6679", true);
        EventIds ids = new EventIds("web-01", fileIdentity.key(), 0);
        String padding = "x".repeat(LINE_BYTES);
        Path file = Files.createTempFile("records-benchmark", ".log");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < count; i++) {
                out.write(kind.line(i, padding));
                out.write('\n');
            }
        }
        List<LogEvent> events = new ArrayList<>(count);
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1 << 20);
            for (int i = 0; i < count; i++) {
                Line line = reader.next();
                events.add(new LogEvent(entry, "/var/log/nginx/access.log", fileIdentity,
                        new FilePosition(line.nextOffset(), 0, 1L, ContentCheck.NONE), line.offset(), line.text(),
                        line.plain(), false, false, 1_764_000_000_000L + i / 100, ids.idAt(line.offset()),
                        1_764_000_000_000L + i / 100, LogEvent.TimestampSource.READ));
            }
        } finally {
            Files.delete(file);
        }
        return events;
    }
}
