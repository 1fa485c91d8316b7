package io.logcollect.metrics.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The CPU and memory limits and the memory use of the control group the agent runs in (a container's, or a
 * systemd service's), from cgroup v2 ({@code cpu.max}, {@code memory.max}, {@code memory.current}) or v1
 * ({@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}). The group is the
 * agent's own, as {@code /proc/self/cgroup} names it under {@code /sys/fs/cgroup} (inside a container with its own
 * cgroup namespace that is the root the container sees). Empty when there is no limit or no cgroup file system.
 */
final class CgroupLimits {

    /** v1 reports "no limit" as a huge number near 2^63 rounded to pages. */
    private static final long V1_UNLIMITED = 1L << 62;

    private final Path root;
    /** The agent's group below {@link #root}: "" for v2 at the root, else a relative path; v1 per controller. */
    private final String v2Group;
    private final String cpuGroup;
    private final String memoryGroup;

    CgroupLimits(Path root) {
        this(root, "", "", "");
    }

    private CgroupLimits(Path root, String v2Group, String cpuGroup, String memoryGroup) {
        this.root = root;
        this.v2Group = v2Group;
        this.cpuGroup = cpuGroup;
        this.memoryGroup = memoryGroup;
    }

    /** The limits of the group this process runs in. */
    static CgroupLimits ofThisProcess() {
        return of(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    }

    /**
     * The group named in a {@code /proc/<pid>/cgroup} file: {@code 0::<path>} for v2, {@code <n>:<controllers>:<path>}
     * per v1 hierarchy.
     */
    static CgroupLimits of(Path root, Path procCgroup) {
        String v2 = "";
        String cpu = "";
        String memory = "";
        try {
            for (String line : Files.readAllLines(procCgroup)) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                String path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
                if (parts[0].equals("0") && parts[1].isEmpty()) {
                    v2 = path;
                }
                for (String controller : parts[1].split(",")) {
                    if (controller.equals("cpu")) {
                        cpu = path;
                    } else if (controller.equals("memory")) {
                        memory = path;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new CgroupLimits(root);
        }
        return new CgroupLimits(root, v2, cpu, memory);
    }

    /** The CPU quota in cores, e.g. 1.5 for {@code 150000 100000}. */
    OptionalDouble cpuCores() {
        Optional<String> v2 = read(v2Group, "cpu.max");
        if (v2.isPresent()) {
            String[] parts = v2.get().trim().split("\\s+");
            if (parts.length == 2 && !parts[0].equals("max")) {
                return OptionalDouble.of(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]));
            }
            return OptionalDouble.empty();
        }
        Optional<String> quota = read("cpu/" + cpuGroup, "cpu.cfs_quota_us");
        Optional<String> period = read("cpu/" + cpuGroup, "cpu.cfs_period_us");
        if (quota.isPresent() && period.isPresent() && Long.parseLong(quota.get().trim()) > 0) {
            return OptionalDouble.of(Double.parseDouble(quota.get().trim()) / Double.parseDouble(period.get().trim()));
        }
        return OptionalDouble.empty();
    }

    /** The memory limit in bytes. */
    OptionalLong memoryBytes() {
        Optional<String> v2 = read(v2Group, "memory.max");
        if (v2.isPresent()) {
            String value = v2.get().trim();
            return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        }
        Optional<String> v1 = read("memory/" + memoryGroup, "memory.limit_in_bytes");
        if (v1.isPresent()) {
            long limit = Long.parseLong(v1.get().trim());
            return limit >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(limit);
        }
        return OptionalLong.empty();
    }

    /** The memory the group uses now, in bytes. */
    OptionalLong memoryUsageBytes() {
        Optional<String> usage = read(v2Group, "memory.current")
                .or(() -> read("memory/" + memoryGroup, "memory.usage_in_bytes"));
        try {
            return usage.map(value -> OptionalLong.of(Long.parseLong(value.trim()))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private Optional<String> read(String group, String file) {
        try {
            return Optional.of(Files.readString(root.resolve(group).resolve(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
