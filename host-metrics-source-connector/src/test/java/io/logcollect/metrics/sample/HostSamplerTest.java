package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    @Test
    void readsEveryMetricsetWithinItsRangesAndRatesOnlyFromTheSecondSample() throws InterruptedException {
        List<String> off = new ArrayList<>();
        HostSampler sampler = new HostSampler(new SamplerSettings(SamplerSettings.ALL, NameFilter.all(),
                NameFilter.all(), NameFilter.all(), PSEUDO), (metricset, reason) -> off.add(metricset + ": " + reason));
        List<Document> first = sampler.sample();
        assertTrue(first.stream().noneMatch(d -> d.metricset().equals("cpu") || d.metricset().equals("network")
                || d.metricset().equals("diskio")), "rates in the first sample: " + first);
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

    @Test
    void aMetricsetThatFailsIsSwitchedOffOnceAndTheOthersGoOn() {
        List<String> off = new ArrayList<>();
        Metricset broken = new Metricset() {
            @Override
            public String name() {
                return "diskio";
            }

            @Override
            public List<Document> sample() {
                throw new UnsupportedOperationException("libudev.so.1 not found");
            }
        };
        oshi.SystemInfo system = new oshi.SystemInfo();
        HostSampler sampler = new HostSampler(List.of(broken, new UptimeMetricset(system.getOperatingSystem())),
                (metricset, reason) -> off.add(metricset + ": " + reason));
        assertEquals(1, sampler.sample().size());
        assertEquals(1, sampler.sample().size());
        assertEquals(List.of("diskio: UnsupportedOperationException: libudev.so.1 not found"), off);
        assertEquals(List.of("uptime"), sampler.metricsets());
    }
}
