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
 * Samples are 400 ms apart: OSHI keeps what it read for 300 ms, and samples closer than that would only measure
 * its cache (the sleep costs no CPU time, so it does not count).
 *
 * <p>Run: {@code bin/benchmark metrics [samples]} (default 40).
 */
public final class MetricsBenchmark {

    private static final long INTERVAL_MS = 10_000;
    private static final long PAUSE_MS = 400;
    private static final Set<String> PSEUDO = Set.of("autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
            "debugfs", "devpts", "devtmpfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "proc", "pstore", "securityfs",
            "squashfs", "sysfs", "tmpfs", "tracefs");

    private MetricsBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> perMetricset = new TreeMap<>();
        for (String metricset : SamplerSettings.ALL) {
            HostSampler sampler = sampler(Set.of(metricset));
            for (int i = 0; i < 5; i++) {
                sampler.sample();
                Thread.sleep(PAUSE_MS);
            }
            long cpu = 0;
            for (int i = 0; i < samples / 2; i++) {
                long before = threads.getCurrentThreadCpuTime();
                sampler.sample();
                cpu += threads.getCurrentThreadCpuTime() - before;
                Thread.sleep(PAUSE_MS);
            }
            perMetricset.put(metricset, cpu / (samples / 2));
        }
        HostSampler all = sampler(SamplerSettings.ALL);
        for (int i = 0; i < 5; i++) {
            all.sample();
            Thread.sleep(PAUSE_MS);
        }
        long cpu = 0;
        List<Document> last = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long before = threads.getCurrentThreadCpuTime();
            last = all.sample();
            cpu += threads.getCurrentThreadCpuTime() - before;
            Thread.sleep(PAUSE_MS);
        }
        double perSampleMs = cpu / 1e6 / samples;
        double perHourS = perSampleMs * (3_600_000.0 / INTERVAL_MS) / 1000;
        double shareOfCore = perSampleMs / INTERVAL_MS;

        System.out.printf("%n== host metrics: CPU time of one sample of every metricset, %d samples %d ms apart after 5"
                + " warm-up samples, on this host ==%n", samples, PAUSE_MS);
        perMetricset.forEach((name, nanos) -> System.out.printf("  %-16s %8.3f ms per sample%n", name, nanos / 1e6));
        System.out.printf("all metricsets        : %8.3f ms per sample, %d documents per sample%n", perSampleMs,
                last.size());
        System.out.printf("at the default 10 s   : %8.2f CPU seconds per hour, %.4f%% of one core (target < 0.5%%)%n",
                perHourS, shareOfCore * 100);
    }

    private static HostSampler sampler(Set<String> metricsets) {
        return new HostSampler(new SamplerSettings(metricsets, NameFilter.all(), new NameFilter(List.of(),
                List.of("loop*", "ram*")), NameFilter.all(), PSEUDO, java.nio.file.Path.of("/")), new HostSampler.Health() {
                    @Override
                    public void failing(String name, String reason, java.time.Duration retryIn) {
                        System.out.println("metricset " + name + " cannot be read: " + reason);
                    }

                    @Override
                    public void recovered(String name) {
                        System.out.println("metricset " + name + " is read again");
                    }
                });
    }
}
