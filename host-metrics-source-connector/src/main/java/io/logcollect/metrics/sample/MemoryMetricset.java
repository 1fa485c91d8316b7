package io.logcollect.metrics.sample;

import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code memory}: total, used and free memory as Metricbeat reports it: {@code used} counts page cache as used
 * (total minus MemFree), {@code actual.used} does not (total minus MemAvailable), which is what runs out; swap;
 * and the cgroup memory limit in a container.
 */
final class MemoryMetricset implements Metricset {

    private final GlobalMemory memory;
    private final CgroupLimits cgroup;
    private final Path meminfo;

    MemoryMetricset(GlobalMemory memory, CgroupLimits cgroup, Path meminfo) {
        this.memory = memory;
        this.cgroup = cgroup;
        this.meminfo = meminfo;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public List<Document> sample() {
        long total = memory.getTotal();
        long available = memory.getAvailable();
        long free = memFree().orElse(available);
        Document doc = new Document(name())
                .put("system.memory.total", total)
                .put("system.memory.free", free)
                .put("system.memory.used.bytes", total - free)
                .put("system.memory.used.pct", ratio(total - free, total))
                .put("system.memory.actual.free", available)
                .put("system.memory.actual.used.bytes", total - available)
                .put("system.memory.actual.used.pct", ratio(total - available, total));
        VirtualMemory swap = memory.getVirtualMemory();
        doc.put("system.memory.swap.total", swap.getSwapTotal())
                .put("system.memory.swap.used.bytes", swap.getSwapUsed())
                .put("system.memory.swap.free", swap.getSwapTotal() - swap.getSwapUsed())
                .put("system.memory.swap.used.pct", ratio(swap.getSwapUsed(), swap.getSwapTotal()));
        OptionalLong limit = cgroup.memoryBytes();
        if (limit.isPresent()) {
            doc.put("system.memory.cgroup.limit.bytes", limit.getAsLong());
        }
        return List.of(doc);
    }

    private static double ratio(long part, long whole) {
        return whole <= 0 ? 0 : Math.max(0, Math.min(1, (double) part / whole));
    }

    /** MemFree of Linux's {@code /proc/meminfo}, which OSHI does not report; empty elsewhere. */
    private OptionalLong memFree() {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemFree:")) {
                    String[] parts = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
