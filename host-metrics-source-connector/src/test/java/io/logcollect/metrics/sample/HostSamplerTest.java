package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler on this very host, through OSHI: what it reads has the names and ranges Metricbeat's have. */
class HostSamplerTest {

    private static final Set<String> PSEUDO = Set.of("proc", "sysfs", "tmpfs", "devtmpfs", "cgroup", "cgroup2",
            "devpts", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "autofs", "binfmt_misc",
            "fusectl", "hugetlbfs", "configfs");

    private static double number(Document doc, String field) {
        Object value = doc.get(field);
        assertTrue(value instanceof Number, field + " of " + doc);
        return ((Number) value).doubleValue();
    }

    /** Records what the sampler says of failing metricsets. */
    private static final class Told implements HostSampler.Health {
        final List<String> said = new ArrayList<>();

        @Override
        public void failing(String metricset, String reason, Duration retryIn) {
            said.add(metricset + " failing: " + reason + ", retry in " + retryIn.toSeconds() + " s");
        }

        @Override
        public void recovered(String metricset) {
            said.add(metricset + " recovered");
        }
    }

    @Test
    void readsEveryMetricsetWithinItsRangesCountersFromTheFirstSampleRatesFromTheSecond() throws InterruptedException {
        Told told = new Told();
        HostSampler sampler = new HostSampler(new SamplerSettings(SamplerSettings.ALL, NameFilter.all(),
                NameFilter.all(), NameFilter.all(), PSEUDO, java.nio.file.Path.of("/")), told);
        List<Document> first = sampler.sample();
        assertTrue(first.stream().noneMatch(d -> d.metricset().equals("cpu") || d.get("host.network.ingress.bytes")
                != null), "rates in the first sample: " + first);
        assertTrue(first.stream().anyMatch(d -> "lo".equals(d.get("system.network.name"))
                && number(d, "system.network.in.bytes") > 0), "cumulative counters at once: " + first);
        List<String> off = told.said;
        Thread.sleep(1100);
        List<Document> second = sampler.sample();
        assertEquals(List.of(), off);
        Map<String, List<Document>> by = new java.util.HashMap<>();
        second.forEach(d -> by.computeIfAbsent(d.metricset(), k -> new ArrayList<>()).add(d));
        assertEquals(SamplerSettings.ALL, new java.util.LinkedHashSet<>(SamplerSettings.ALL.stream()
                .filter(by::containsKey).toList()), "metricsets read: " + by.keySet());

        Document cpu = by.get("cpu").get(0);
        for (String state : List.of("total", "user", "system", "iowait", "steal", "idle")) {
            double pct = number(cpu, "system.cpu." + state + ".norm.pct");
            assertTrue(pct >= 0 && pct <= 1, state + " " + pct);
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), (int) number(cpu, "system.cpu.cores"));
        Document memory = by.get("memory").get(0);
        assertTrue(number(memory, "system.memory.total") > 0);
        double used = number(memory, "system.memory.actual.used.pct");
        assertTrue(used > 0 && used < 1, "actual.used.pct " + used);
        assertTrue(number(by.get("load").get(0), "system.load.1") >= 0);
        assertTrue(by.get("network").stream().anyMatch(d -> "lo".equals(d.get("system.network.name"))),
                by.get("network").toString());
        assertTrue(by.get("network").stream().allMatch(d -> d.get("system.network.in.bytes") == null
                || number(d, "system.network.in.bytes") >= 0));
        assertTrue(by.get("filesystem").stream().anyMatch(d -> "/".equals(d.get("system.filesystem.mount_point"))),
                by.get("filesystem").toString());
        assertTrue(by.get("filesystem").stream().noneMatch(d -> PSEUDO.contains(d.get("system.filesystem.type"))));
        assertTrue(number(by.get("process_summary").get(0), "system.process.summary.total") > 1);
        assertTrue(number(by.get("uptime").get(0), "system.uptime.duration.ms") > 0);
        double agentCpu = number(by.get("logcollect").get(0), "logcollect.agent.cpu.norm.pct");
        assertTrue(agentCpu >= 0 && agentCpu <= 1, "agent cpu " + agentCpu);
    }

    /**
     * A metricset that fails is not switched off for good: it waits 10 s, then longer each time, is tried again,
     * and says so once when it fails and once when it is read again. The others go on meanwhile.
     */
    @Test
    void aMetricsetThatFailsIsTriedAgainWithBackoffAndComesBack() {
        AtomicBoolean broken = new AtomicBoolean(true);
        AtomicInteger tries = new AtomicInteger();
        Metricset diskio = new Metricset() {
            @Override
            public String name() {
                return "diskio";
            }

            @Override
            public List<Document> sample() {
                tries.incrementAndGet();
                if (broken.get()) {
                    throw new UnsupportedOperationException("libudev.so.1 not found");
                }
                return List.of(new Document("diskio").put("system.diskio.name", "vda"));
            }
        };
        AtomicLong clock = new AtomicLong();
        Told told = new Told();
        oshi.SystemInfo system = new oshi.SystemInfo();
        HostSampler sampler = new HostSampler(List.of(diskio, new UptimeMetricset(system.getOperatingSystem())),
                told, clock::get);
        assertEquals(1, sampler.sample().size());
        assertEquals(Map.of("diskio", "UnsupportedOperationException: libudev.so.1 not found"), sampler.failing());
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertEquals(1, sampler.sample().size());
        assertEquals(1, tries.get(), "tried again before its backoff");
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals(1, sampler.sample().size());
        assertEquals(2, tries.get(), "tried again after 10 s");
        clock.addAndGet(Duration.ofSeconds(15).toNanos());
        sampler.sample();
        assertEquals(2, tries.get(), "the second wait is longer than the first");
        broken.set(false);
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(2, sampler.sample().size());
        assertEquals(Map.of(), sampler.failing());
        assertEquals(List.of("diskio failing: UnsupportedOperationException: libudev.so.1 not found, retry in 10 s",
                "diskio recovered"), told.said);
        assertEquals(List.of("diskio", "uptime"), sampler.metricsets());
    }
}
