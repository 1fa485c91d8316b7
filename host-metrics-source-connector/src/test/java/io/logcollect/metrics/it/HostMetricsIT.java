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
    private static KafkaBroker kafka;
    private static ConnectWorker agent;

    @BeforeAll
    static void start() {
        kafka = TestServices.kafka();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.metrics.HostMetricsSourceConnector");
        config.put("tasks.max", "1");
        config.put("interval.ms", "1000");
        config.put("topic", TOPIC);
        config.put("host.name", "metrics-host");
        agent = ConnectWorker.standalone(kafka).connector("host-metrics", config).start();
        agent.awaitRunning("host-metrics", 1, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        agent.stop();
    }

    /** Every metric document so far, parsed. */
    private static List<JsonNode> documents(Predicate<List<JsonNode>> done) {
        List<JsonNode> values = new ArrayList<>();
        kafka.consume(TOPIC, Duration.ofMinutes(1), records -> {
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

    private static long sum(List<JsonNode> documents, String metricset, long afterMillis, String field) {
        return of(documents, metricset, afterMillis).stream().mapToLong(d -> d.at(field).asLong()).sum();
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
        long written = sum(documents(values -> sum(values, "diskio", start, "/system/diskio/write/bytes") >= 200L << 20),
                "diskio", start, "/system/diskio/write/bytes");
        assertTrue(written >= 200L << 20, "the devices reported " + written + " bytes written for 200 MB");
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
        Predicate<JsonNode> isLo = d -> d.at("/system/network/name").asText().equals("lo");
        List<JsonNode> all = documents(values -> sum(of(values, "network", start).stream().filter(isLo).toList(),
                "network", start, "/system/network/in/bytes") >= 100L << 20);
        long received = sum(of(all, "network", start).stream().filter(isLo).toList(), "network", start,
                "/system/network/in/bytes");
        assertTrue(received >= 100L << 20, "lo received " + received + " bytes for 100 MB");
    }
}
