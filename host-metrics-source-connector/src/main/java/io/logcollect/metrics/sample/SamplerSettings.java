package io.logcollect.metrics.sample;

import java.nio.file.Path;
import java.util.Set;

/**
 * What a {@link HostSampler} reads.
 *
 * @param metricsets      the metricsets to read, by Metricbeat's names
 * @param interfaces      which network interfaces {@code network} reports
 * @param devices         which block devices {@code diskio} reports
 * @param mountPoints     which mount points {@code filesystem} reports
 * @param excludedFsTypes file system types {@code filesystem} leaves out (pseudo file systems)
 * @param hostfs          the host's root as the agent sees it: {@code /proc} files are read below it
 */
public record SamplerSettings(Set<String> metricsets, NameFilter interfaces, NameFilter devices,
                              NameFilter mountPoints, Set<String> excludedFsTypes, Path hostfs) {

    /** Every metricset this connector knows, in the order they are read. */
    public static final Set<String> ALL = new java.util.LinkedHashSet<>(java.util.List.of("cpu", "load", "memory",
            "network", "diskio", "filesystem", "process_summary", "uptime", "logcollect"));
}
