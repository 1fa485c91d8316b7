package io.logcollect.metrics.sample;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code process_summary}: how many processes the host runs, by state, in Metricbeat's buckets. The state is the
 * letter after the command name in {@code /proc/<pid>/stat}, mapped as Metricbeat maps it: idle kernel threads
 * ({@code I}) are {@code idle}, not unknown; uninterruptible sleep ({@code D}) is {@code disk_sleep}; a process
 * exiting ({@code X}) is {@code dead}; {@code t} (stopped by a tracer) and letters it does not know are
 * {@code unknown}. A process that ends while it is read is not counted.
 */
final class ProcessSummaryMetricset implements Metricset {

    /** The bucket of each state letter; letters not here count as {@code unknown}. */
    static final Map<Character, String> BUCKETS = Map.ofEntries(
            Map.entry('R', "running"), Map.entry('S', "sleeping"), Map.entry('D', "disk_sleep"),
            Map.entry('I', "idle"), Map.entry('T', "stopped"), Map.entry('Z', "zombie"), Map.entry('X', "dead"),
            Map.entry('x', "dead"), Map.entry('K', "wakekill"), Map.entry('W', "waking"), Map.entry('P', "parked"));
    private static final String[] ORDER = {"running", "sleeping", "disk_sleep", "idle", "stopped", "zombie", "dead",
        "wakekill", "waking", "parked", "unknown"};

    private final Path proc;

    ProcessSummaryMetricset(Path proc) {
        this.proc = proc;
    }

    @Override
    public String name() {
        return "process_summary";
    }

    @Override
    public List<Document> sample() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String bucket : ORDER) {
            counts.put(bucket, 0);
        }
        int total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, ProcessSummaryMetricset::isPid)) {
            for (Path entry : entries) {
                Character state = state(entry.resolve("stat"));
                if (state == null) {
                    continue;
                }
                total++;
                counts.merge(BUCKETS.getOrDefault(state, "unknown"), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the processes in " + proc + ": " + e.getMessage(), e);
        }
        Document doc = new Document(name()).put("system.process.summary.total", total);
        counts.forEach((bucket, count) -> doc.put("system.process.summary." + bucket, count));
        return List.of(doc);
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** The state letter of {@code /proc/<pid>/stat}: after the last ')' (the command name may hold any). */
    static Character state(Path stat) {
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            return null;
        }
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            return null;
        }
        return line.charAt(close + 2);
    }
}
