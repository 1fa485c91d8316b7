package io.logcollect.metrics.sample;

import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Reads the host's metricsets through OSHI, one {@link Document} per event. A metricset that cannot be read on
 * this host (no libudev, no permission, an operating system without it) is switched off with one warning; the
 * others go on. Knows nothing of Kafka Connect.
 */
public final class HostSampler {

    private final List<Metricset> metricsets = new ArrayList<>();
    private final BiConsumer<String, String> switchedOff;

    /**
     * @param switchedOff told, once per metricset, which one was switched off and why
     */
    public HostSampler(SamplerSettings settings, BiConsumer<String, String> switchedOff) {
        this.switchedOff = switchedOff;
        SystemInfo system = new SystemInfo();
        HardwareAbstractionLayer hardware = system.getHardware();
        OperatingSystem os = system.getOperatingSystem();
        CgroupLimits cgroup = new CgroupLimits(Path.of("/sys/fs/cgroup"));
        for (String name : SamplerSettings.ALL) {
            if (!settings.metricsets().contains(name)) {
                continue;
            }
            try {
                metricsets.add(switch (name) {
                    case "cpu" -> new CpuMetricset(hardware.getProcessor(), cgroup);
                    case "load" -> new LoadMetricset(hardware.getProcessor());
                    case "memory" -> new MemoryMetricset(hardware.getMemory(), cgroup, Path.of("/proc/meminfo"));
                    case "network" -> new NetworkMetricset(hardware, settings.interfaces());
                    case "diskio" -> new DiskIoMetricset(hardware, settings.devices());
                    case "filesystem" -> new FilesystemMetricset(os, settings.mountPoints(), settings.excludedFsTypes());
                    case "process_summary" -> new ProcessSummaryMetricset(os);
                    case "uptime" -> new UptimeMetricset(os);
                    default -> new AgentMetricset(os, hardware.getProcessor().getLogicalProcessorCount());
                });
            } catch (RuntimeException | LinkageError e) {
                switchedOff.accept(name, describe(e));
            }
        }
    }

    /** A sampler of given metricsets. */
    HostSampler(List<Metricset> metricsets, BiConsumer<String, String> switchedOff) {
        this.metricsets.addAll(metricsets);
        this.switchedOff = switchedOff;
    }

    /** The events of every metricset still on; those that fail now are switched off. */
    public List<Document> sample() {
        List<Document> documents = new ArrayList<>();
        for (Iterator<Metricset> it = metricsets.iterator(); it.hasNext(); ) {
            Metricset metricset = it.next();
            try {
                documents.addAll(metricset.sample());
            } catch (RuntimeException | LinkageError e) {
                it.remove();
                switchedOff.accept(metricset.name(), describe(e));
            }
        }
        return documents;
    }

    /** The names of the metricsets still on. */
    public List<String> metricsets() {
        return metricsets.stream().map(Metricset::name).toList();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
