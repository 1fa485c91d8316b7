package io.logcollect.metrics.sample;

import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;

import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code cpu}: the share of CPU time per state since the previous sample, normalized to 0..1 for the whole host
 * ({@code *.norm.pct}) and, as Metricbeat also does, to 0..cores ({@code *.pct}). Busy ({@code total}) is every
 * state but idle and iowait.
 */
final class CpuMetricset implements Metricset {

    private final CentralProcessor processor;
    private final CgroupLimits cgroup;
    private long[] previous;

    CpuMetricset(CentralProcessor processor, CgroupLimits cgroup) {
        this.processor = processor;
        this.cgroup = cgroup;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public List<Document> sample() {
        long[] ticks = processor.getSystemCpuLoadTicks();
        long[] before = previous;
        previous = ticks;
        if (before == null) {
            return List.of();
        }
        long[] delta = new long[ticks.length];
        long total = 0;
        for (int i = 0; i < ticks.length; i++) {
            delta[i] = Math.max(0, ticks[i] - before[i]);
            total += delta[i];
        }
        if (total == 0) {
            return List.of();
        }
        int cores = processor.getLogicalProcessorCount();
        double user = share(delta, total, TickType.USER);
        double nice = share(delta, total, TickType.NICE);
        double system = share(delta, total, TickType.SYSTEM);
        double irq = share(delta, total, TickType.IRQ);
        double softirq = share(delta, total, TickType.SOFTIRQ);
        double iowait = share(delta, total, TickType.IOWAIT);
        double steal = share(delta, total, TickType.STEAL);
        double idle = share(delta, total, TickType.IDLE);
        double busy = Math.max(0, Math.min(1, 1 - idle - iowait));
        Document doc = new Document(name()).put("system.cpu.cores", cores);
        put(doc, "total", busy, cores);
        put(doc, "user", user, cores);
        put(doc, "nice", nice, cores);
        put(doc, "system", system, cores);
        put(doc, "irq", irq, cores);
        put(doc, "softirq", softirq, cores);
        put(doc, "iowait", iowait, cores);
        put(doc, "steal", steal, cores);
        put(doc, "idle", idle, cores);
        OptionalDouble limit = cgroup.cpuCores();
        if (limit.isPresent()) {
            doc.put("system.cpu.cgroup.limit.cores", limit.getAsDouble());
        }
        return List.of(doc);
    }

    private static double share(long[] delta, long total, TickType type) {
        return type.getIndex() < delta.length ? (double) delta[type.getIndex()] / total : 0;
    }

    private static void put(Document doc, String state, double share, int cores) {
        doc.put("system.cpu." + state + ".norm.pct", share);
        doc.put("system.cpu." + state + ".pct", share * cores);
    }
}
