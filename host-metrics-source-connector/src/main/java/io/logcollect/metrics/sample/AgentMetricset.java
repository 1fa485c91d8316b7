package io.logcollect.metrics.sample;

import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code logcollect}: the agent's own health, the Connect worker process this connector runs in: its CPU share
 * since the previous sample (0..1 of the host), resident memory, heap, threads and uptime; the limits and memory
 * use of its control group (a container's); and the metricsets that cannot be read now, with why.
 */
final class AgentMetricset implements Metricset {

    private final OperatingSystem os;
    private final int cores;
    private final CgroupLimits cgroup;
    private final Supplier<Map<String, String>> failing;
    private long previousCpuMillis = -1;
    private long previousAtNanos;

    AgentMetricset(OperatingSystem os, int cores, CgroupLimits cgroup, Supplier<Map<String, String>> failing) {
        this.os = os;
        this.cores = cores;
        this.cgroup = cgroup;
        this.failing = failing;
    }

    @Override
    public String name() {
        return "logcollect";
    }

    @Override
    public List<Document> sample() {
        OSProcess self = os.getProcess(os.getProcessId());
        if (self == null) {
            throw new UnsupportedOperationException("this operating system does not describe the agent's own process");
        }
        long now = System.nanoTime();
        long cpuMillis = self.getKernelTime() + self.getUserTime();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Document doc = new Document(name())
                .put("logcollect.agent.memory.rss.bytes", self.getResidentSetSize())
                .put("logcollect.agent.heap.used.bytes", heap.getUsed())
                .put("logcollect.agent.heap.max.bytes", heap.getMax() > 0 ? heap.getMax() : null)
                .put("logcollect.agent.threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .put("logcollect.agent.uptime.ms", ManagementFactory.getRuntimeMXBean().getUptime());
        cgroup.memoryBytes().ifPresent(limit -> doc.put("logcollect.agent.cgroup.memory.limit.bytes", limit));
        cgroup.memoryUsageBytes().ifPresent(usage -> doc.put("logcollect.agent.cgroup.memory.usage.bytes", usage));
        cgroup.cpuCores().ifPresent(limit -> doc.put("logcollect.agent.cgroup.cpu.limit.cores", limit));
        Map<String, String> failingNow = failing.get();
        doc.put("logcollect.metricsets.failing", List.copyOf(failingNow.keySet()));
        if (!failingNow.isEmpty()) {
            doc.put("logcollect.metricsets.errors", failingNow.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList());
        }
        if (previousCpuMillis >= 0 && cpuMillis >= previousCpuMillis && now > previousAtNanos) {
            double wallMillis = (now - previousAtNanos) / 1e6;
            doc.put("logcollect.agent.cpu.norm.pct", Math.min(1, (cpuMillis - previousCpuMillis) / wallMillis / cores));
        }
        previousCpuMillis = cpuMillis;
        previousAtNanos = now;
        return List.of(doc);
    }
}
