package io.logcollect.metrics.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The CPU and memory limits of the control group the agent runs in (a container's limits), from cgroup v2
 * ({@code cpu.max}, {@code memory.max}) or v1 ({@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes}) as the
 * container sees them under {@code /sys/fs/cgroup}. Empty when there is no limit or no cgroup file system.
 */
final class CgroupLimits {

    /** v1 reports "no limit" as a huge number near 2^63 rounded to pages. */
    private static final long V1_UNLIMITED = 1L << 62;

    private final Path root;

    CgroupLimits(Path root) {
        this.root = root;
    }

    /** The CPU quota in cores, e.g. 1.5 for {@code 150000 100000}. */
    OptionalDouble cpuCores() {
        Optional<String> v2 = read("cpu.max");
        if (v2.isPresent()) {
            String[] parts = v2.get().trim().split("\\s+");
            if (parts.length == 2 && !parts[0].equals("max")) {
                return OptionalDouble.of(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]));
            }
            return OptionalDouble.empty();
        }
        Optional<String> quota = read("cpu/cpu.cfs_quota_us");
        Optional<String> period = read("cpu/cpu.cfs_period_us");
        if (quota.isPresent() && period.isPresent() && Long.parseLong(quota.get().trim()) > 0) {
            return OptionalDouble.of(Double.parseDouble(quota.get().trim()) / Double.parseDouble(period.get().trim()));
        }
        return OptionalDouble.empty();
    }

    /** The memory limit in bytes. */
    OptionalLong memoryBytes() {
        Optional<String> v2 = read("memory.max");
        if (v2.isPresent()) {
            String value = v2.get().trim();
            return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        }
        Optional<String> v1 = read("memory/memory.limit_in_bytes");
        if (v1.isPresent()) {
            long limit = Long.parseLong(v1.get().trim());
            return limit >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(limit);
        }
        return OptionalLong.empty();
    }

    private Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(root.resolve(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
