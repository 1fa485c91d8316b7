package io.logcollect.metrics.bench;

import io.logcollect.metrics.sample.Document;
import io.logcollect.metrics.sample.HostSampler;
import io.logcollect.metrics.sample.NameFilter;
import io.logcollect.metrics.sample.SamplerSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the Sys Agent costs: the CPU time one sample of every metricset takes on this host (the thread's own CPU
 * time, so the machine's other load does not count), per metricset, and what that makes per hour at the default
 * 10 s interval, against the target of 0.5% of one core. The first samples warm the JIT up and are not counted.
 *
 * <p>Run: {@code bin/benchmark metrics [samples]} (default 200).
 */
public final class MetricsBenchmark {

    private static final long INTERVAL_MS = 10_000;
    private static final Set<String> PSEUDO = Set.of("autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
            "debugfs", "devpts", "devtmpfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "proc", "pstore", "securityfs",
            "squashfs", "sysfs", "tmpfs", "tracefs");

    private MetricsBenchmark() {
    }

    public static void main(String[] args) {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> perMetricset = new TreeMap<>();
        for (String metricset : SamplerSettings.ALL) {
            HostSampler sampler = sampler(Set.of(metricset));
            for (int i = 0; i < 20; i++) {
                sampler.sample();
            }
            long before = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < samples; i++) {
                sampler.sample();
            }
            perMetricset.put(metricset, (threads.getCurrentThreadCpuTime() - before) / samples);
        }
        HostSampler all = sampler(SamplerSettings.ALL);
        for (int i = 0; i < 20; i++) {
            all.sample();
        }
        long before = threads.getCurrentThreadCpuTime();
        List<Document> last = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            last = all.sample();
        }
        double perSampleMs = (threads.getCurrentThreadCpuTime() - before) / 1e6 / samples;
        double perHourS = perSampleMs * (3_600_000.0 / INTERVAL_MS) / 1000;
        double shareOfCore = perSampleMs / INTERVAL_MS;

        System.out.printf("%n== host metrics: CPU time of one sample of every metricset, %d samples after 20 warm-up"
                + " samples, on this host ==%n", samples);
        perMetricset.forEach((name, nanos) -> System.out.printf("  %-16s %8.3f ms per sample%n", name, nanos / 1e6));
        System.out.printf("all metricsets        : %8.3f ms per sample, %d documents per sample%n", perSampleMs,
                last.size());
        System.out.printf("at the default 10 s   : %8.2f CPU seconds per hour, %.4f%% of one core (target < 0.5%%)%n",
                perHourS, shareOfCore * 100);
    }

    private static HostSampler sampler(Set<String> metricsets) {
        return new HostSampler(new SamplerSettings(metricsets, NameFilter.all(), new NameFilter(List.of(),
                List.of("loop*", "ram*")), NameFilter.all(), PSEUDO), (name, reason) -> System.out.println(
                "metricset " + name + " switched off: " + reason));
    }
}
