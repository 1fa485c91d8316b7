package io.logcollect.metrics.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics connector in a real standalone worker loading the packaged plugin, every second: its documents
 * have Metricbeat's fields within their ranges, and real load on this host shows in them: a busy thread in
 * {@code system.cpu.total.norm.pct}, 200 MB written and fsynced in the {@code diskio} of the device holding the
 * test directory, loopback traffic in the {@code network} of {@code lo}.
 */
class HostMetricsIT {

    private static final String TOPIC = "it-host-metrics";
    private static final String FAILING_TOPIC = "it-host-metrics-failing";
    private static KafkaBroker kafka;
    private static ConnectWorker agent;
    /** The root the second connector reads /proc below: empty at first, so its process_summary fails. */
    private static Path hostfs;

    @BeforeAll
    static void start() {
        kafka = TestServices.kafka();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.metrics.HostMetricsSourceConnector");
        config.put("tasks.max", "1");
        config.put("interval.ms", "1000");
        config.put("topic", TOPIC);
        config.put("host.name", "metrics-host");
        hostfs = Workspace.newDirectory("hostfs");
        Map<String, String> failing = new LinkedHashMap<>(config);
        failing.put("topic", FAILING_TOPIC);
        failing.put("metricsets", "process_summary,logcollect");
        failing.put("hostfs", hostfs.toString());
        agent = ConnectWorker.standalone(kafka).connector("host-metrics", config)
                .connector("host-metrics-failing", failing).start();
        agent.awaitRunning("host-metrics", 1, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        agent.stop();
    }

    /** Every metric document so far, parsed. */
    private static List<JsonNode> documents(Predicate<List<JsonNode>> done) {
        return documents(TOPIC, done);
    }

    private static List<JsonNode> documents(String topic, Predicate<List<JsonNode>> done) {
        List<JsonNode> values = new ArrayList<>();
        kafka.consume(topic, Duration.ofMinutes(1), records -> {
            values.clear();
            for (ConsumerRecord<String, String> record : records) {
                try {
                    values.add(HttpJson.MAPPER.readTree(record.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return done.test(values);
        });
        return values;
    }

    private static List<JsonNode> of(List<JsonNode> documents, String metricset, long afterMillis) {
        return documents.stream().filter(d -> d.at("/metricset/name").asText().equals(metricset))
                .filter(d -> java.time.Instant.parse(d.path("@timestamp").asText()).toEpochMilli() > afterMillis)
                .toList();
    }

    /** Waits for {@code count} documents of a metricset made after {@code afterMillis} that pass {@code filter}. */
    private static List<JsonNode> await(String metricset, long afterMillis, int count, Predicate<JsonNode> filter) {
        List<JsonNode> all = documents(values -> of(values, metricset, afterMillis).stream().filter(filter).count()
                >= count);
        return of(all, metricset, afterMillis).stream().filter(filter).toList();
    }

    /**
     * How much a cumulative counter grew after {@code afterMillis}, summed over the devices or interfaces (named
     * by {@code nameField}): newest value minus oldest.
     */
    private static long growth(List<JsonNode> documents, String metricset, long afterMillis, String nameField,
                               String field) {
        Map<String, long[]> range = new LinkedHashMap<>();
        for (JsonNode d : of(documents, metricset, afterMillis)) {
            if (d.at(field).isMissingNode()) {
                continue;
            }
            long value = d.at(field).asLong();
            range.merge(d.at(nameField).asText(), new long[] {value, value},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        return range.values().stream().mapToLong(r -> r[1] - r[0]).sum();
    }

    private static double max(List<JsonNode> documents, ToDoubleFunction<JsonNode> value) {
        return documents.stream().mapToDouble(value).max().orElse(-1);
    }

    @Test
    void documentsCarryMetricbeatsFieldsWithinTheirRanges() {
        long since = System.currentTimeMillis() - 60_000;
        List<JsonNode> all = documents(values -> List.of("cpu", "load", "memory", "network", "diskio", "filesystem",
                "process_summary", "uptime", "logcollect").stream().allMatch(m -> !of(values, m, since).isEmpty()));
        JsonNode cpu = of(all, "cpu", since).get(0);
        assertEquals("metrics-host", cpu.at("/host/name").asText());
        assertEquals("system", cpu.at("/event/module").asText());
        assertEquals("system.cpu", cpu.at("/event/dataset").asText());
        assertTrue(cpu.at("/@timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        for (String state : List.of("total", "user", "system", "iowait", "steal", "idle")) {
            double pct = cpu.at("/system/cpu/" + state + "/norm/pct").asDouble(-1);
            assertTrue(pct >= 0 && pct <= 1, state + ": " + cpu);
        }
        JsonNode memory = of(all, "memory", since).get(0);
        assertTrue(memory.at("/system/memory/total").asLong() > 0, memory.toString());
        double usedPct = memory.at("/system/memory/actual/used/pct").asDouble(-1);
        assertTrue(usedPct > 0 && usedPct < 1, memory.toString());
        assertTrue(of(all, "network", since).stream().allMatch(d -> d.at("/system/network/in/bytes").asLong(0) >= 0
                && d.at("/system/network/out/bytes").asLong(0) >= 0));
        assertTrue(of(all, "diskio", since).stream().allMatch(d -> d.at("/system/diskio/write/bytes").asLong(0) >= 0));
        JsonNode root = of(all, "filesystem", since).stream()
                .filter(d -> d.at("/system/filesystem/mount_point").asText().equals("/")).findFirst().orElseThrow();
        double rootUsed = root.at("/system/filesystem/used/pct").asDouble(-1);
        assertTrue(rootUsed > 0 && rootUsed <= 1, root.toString());
        assertTrue(of(all, "logcollect", since).get(0).at("/logcollect/agent/memory/rss/bytes").asLong() > 0);
    }

    @Test
    void aBusyThreadRaisesTheCpuShare() throws InterruptedException {
        long start = System.currentTimeMillis();
        AtomicBoolean busy = new AtomicBoolean(true);
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (busy.get()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        spinner.start();
        try {
            List<JsonNode> cpu = await("cpu", start + 1500, 3, d -> true);
            double busiest = max(cpu, d -> d.at("/system/cpu/total/norm/pct").asDouble());
            int cores = cpu.get(0).at("/system/cpu/cores").asInt();
            assertTrue(busiest >= 0.9 / cores, "one busy thread of " + cores + " cores showed at most " + busiest);
        } finally {
            busy.set(false);
            spinner.join();
        }
    }

    @Test
    void writingAndFsyncing200MbRaisesTheWrittenBytesOfTheDevice() throws IOException {
        Path dir = Workspace.newDirectory("diskio");
        long start = System.currentTimeMillis();
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (FileChannel out = FileChannel.open(dir.resolve("big.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            for (int i = 0; i < 200; i++) {
                block.clear();
                out.write(block);
            }
            out.force(true);
        }
        long written = growth(documents(values -> growth(values, "diskio", start - 2000, "/system/diskio/name",
                "/system/diskio/write/bytes") >= 200L << 20), "diskio", start - 2000, "/system/diskio/name",
                "/system/diskio/write/bytes");
        assertTrue(written >= 200L << 20, "the devices' counters grew by " + written + " bytes written for 200 MB");
        Files.delete(dir.resolve("big.bin"));
    }

    @Test
    void loopbackTrafficRaisesTheBytesReceivedOfLo() throws Exception {
        long start = System.currentTimeMillis();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader.start();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = client.getOutputStream()) {
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < 100; i++) {
                    out.write(chunk);
                }
            }
            reader.join();
        }
        List<JsonNode> all = documents(values -> growth(values, "network", start - 2000, "/system/network/name",
                "/system/network/in/bytes") >= 100L << 20);
        long received = growth(all, "network", start - 2000, "/system/network/name", "/system/network/in/bytes");
        assertTrue(received >= 100L << 20, "the interfaces' counters grew by " + received + " bytes for 100 MB sent"
                + " over lo");
    }

    /**
     * Network and disk counters are Metricbeat's: cumulative, as the kernel counts them. A document sampled
     * between two reads of /proc lies between them, and a counter never goes back.
     */
    @Test
    void countersAreTheKernelsCumulativeCounters() throws IOException {
        long before = System.currentTimeMillis();
        long loBefore = procNetDev("lo", 0);
        String disk = rootDisk();
        long writtenBefore = procDiskstats(disk, 9) * 512;
        List<JsonNode> all = documents(values -> of(values, "network", before + 1000).stream().anyMatch(d ->
                d.at("/system/network/name").asText().equals("lo")) && of(values, "diskio", before + 1000).stream()
                .anyMatch(d -> d.at("/system/diskio/name").asText().equals(disk)));
        long loAfter = procNetDev("lo", 0);
        long writtenAfter = procDiskstats(disk, 9) * 512;
        JsonNode lo = of(all, "network", before + 1000).stream()
                .filter(d -> d.at("/system/network/name").asText().equals("lo")).findFirst().orElseThrow();
        long inBytes = lo.at("/system/network/in/bytes").asLong();
        assertTrue(loBefore <= inBytes && inBytes <= loAfter, "lo in.bytes " + inBytes + " not between /proc/net/dev's "
                + loBefore + " and " + loAfter);
        JsonNode diskio = of(all, "diskio", before + 1000).stream()
                .filter(d -> d.at("/system/diskio/name").asText().equals(disk)).findFirst().orElseThrow();
        long writeBytes = diskio.at("/system/diskio/write/bytes").asLong();
        assertTrue(writtenBefore <= writeBytes && writeBytes <= writtenAfter, disk + " write.bytes " + writeBytes
                + " not between /proc/diskstats's " + writtenBefore + " and " + writtenAfter);
        assertTrue(diskio.at("/system/diskio/write/time").isNumber(), diskio.toString());
        assertTrue(lo.at("/system/network/out/dropped").isNumber(), lo.toString());
        Map<String, Long> last = new LinkedHashMap<>();
        for (JsonNode d : of(all, "network", before - 60_000)) {
            String name = d.at("/system/network/name").asText();
            long value = d.at("/system/network/in/bytes").asLong();
            Long previous = last.put(name, value);
            assertTrue(previous == null || previous <= value, name + " went back from " + previous + " to " + value);
        }
    }

    /** {@code used.pct} is used / (used + available), as df shows it, and every record says its period. */
    @Test
    void theRootFileSystemIsAsFullAsDfSaysAndEveryRecordCarriesItsPeriod() throws Exception {
        long since = System.currentTimeMillis();
        List<JsonNode> all = documents(values -> of(values, "filesystem", since).stream()
                .anyMatch(d -> d.at("/system/filesystem/mount_point").asText().equals("/")));
        Process df = new ProcessBuilder("df", "-B1", "--output=used,avail", "/").start();
        String[] numbers = new String(df.getInputStream().readAllBytes()).trim().split("\\s+");
        double dfPct = Double.parseDouble(numbers[2]) / (Double.parseDouble(numbers[2]) + Double.parseDouble(numbers[3]));
        JsonNode root = of(all, "filesystem", since).stream()
                .filter(d -> d.at("/system/filesystem/mount_point").asText().equals("/")).findFirst().orElseThrow();
        double usedPct = root.at("/system/filesystem/used/pct").asDouble();
        assertEquals(dfPct, usedPct, 0.005, "df says " + dfPct + ": " + root);
        assertTrue(all.stream().allMatch(d -> d.at("/metricset/period").asLong() == 1000),
                "a record without metricset.period 1000");
    }

    /**
     * A metricset that cannot be read is tried again with backoff, listed meanwhile in the agent's own
     * {@code logcollect} metricset, and comes back by itself once it can be read.
     */
    @Test
    void aMetricsetThatCannotBeReadIsListedAndComesBack() throws IOException {
        long since = System.currentTimeMillis();
        List<JsonNode> failing = documents(FAILING_TOPIC, values -> of(values, "logcollect", since).stream()
                .anyMatch(d -> d.at("/logcollect/metricsets/failing").toString().contains("process_summary")));
        JsonNode agentDoc = of(failing, "logcollect", since).stream()
                .filter(d -> d.at("/logcollect/metricsets/failing").toString().contains("process_summary"))
                .findFirst().orElseThrow();
        assertTrue(agentDoc.at("/logcollect/metricsets/errors").toString().contains("cannot list the processes"),
                agentDoc.toString());
        Path pid = Files.createDirectories(hostfs.resolve("proc/4242"));
        Files.writeString(pid.resolve("stat"), "4242 (java) S 1 4242 4242 0 -1\n");
        long fixed = System.currentTimeMillis();
        List<JsonNode> back = documents(FAILING_TOPIC, values -> !of(values, "process_summary", fixed).isEmpty());
        JsonNode summary = of(back, "process_summary", fixed).get(0);
        assertEquals(1, summary.at("/system/process/summary/total").asInt(), summary.toString());
        assertEquals(1, summary.at("/system/process/summary/sleeping").asInt(), summary.toString());
        System.out.printf("process_summary read again %.1f s after its /proc appeared%n",
                (java.time.Instant.parse(summary.path("@timestamp").asText()).toEpochMilli() - fixed) / 1000.0);
    }

    /** A column of an interface's line in /proc/net/dev (0: bytes received). */
    private static long procNetDev(String name, int column) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return Long.parseLong(line.substring(colon + 1).trim().split("\\s+")[column]);
            }
        }
        throw new AssertionError("no " + name + " in /proc/net/dev");
    }

    /** A column of a device's line in /proc/diskstats (9: sectors written). */
    private static long procDiskstats(String name, int column) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] columns = line.trim().split("\\s+");
            if (columns[2].equals(name)) {
                return Long.parseLong(columns[column]);
            }
        }
        throw new AssertionError("no " + name + " in /proc/diskstats");
    }

    /** The whole disk (not a partition) with the most sectors written: the one this host writes to. */
    private static String rootDisk() throws IOException {
        String busiest = null;
        long most = -1;
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] columns = line.trim().split("\\s+");
            String name = columns[2];
            if (name.startsWith("loop") || name.startsWith("ram") || !Files.exists(Path.of("/sys/block", name))) {
                continue;
            }
            long written = Long.parseLong(columns[9]);
            if (written > most) {
                most = written;
                busiest = name;
            }
        }
        return busiest;
    }
}
