package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The limits of a container, on cgroup files laid out as v2 and v1 write them. */
class CgroupLimitsTest {

    @TempDir
    Path root;

    @Test
    void readsVersion2LimitsAndNoLimit() throws IOException {
        Files.writeString(root.resolve("cpu.max"), "150000 100000\n");
        Files.writeString(root.resolve("memory.max"), "536870912\n");
        CgroupLimits limits = new CgroupLimits(root);
        assertEquals(OptionalDouble.of(1.5), limits.cpuCores());
        assertEquals(OptionalLong.of(536_870_912L), limits.memoryBytes());
        Files.writeString(root.resolve("cpu.max"), "max 100000\n");
        Files.writeString(root.resolve("memory.max"), "max\n");
        assertEquals(OptionalDouble.empty(), limits.cpuCores());
        assertEquals(OptionalLong.empty(), limits.memoryBytes());
    }

    @Test
    void readsVersion1LimitsAndNoLimit() throws IOException {
        Files.createDirectories(root.resolve("cpu"));
        Files.createDirectories(root.resolve("memory"));
        Files.writeString(root.resolve("cpu/cpu.cfs_quota_us"), "50000\n");
        Files.writeString(root.resolve("cpu/cpu.cfs_period_us"), "100000\n");
        Files.writeString(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
        CgroupLimits limits = new CgroupLimits(root);
        assertEquals(OptionalDouble.of(0.5), limits.cpuCores());
        assertEquals(OptionalLong.empty(), limits.memoryBytes());
        Files.writeString(root.resolve("cpu/cpu.cfs_quota_us"), "-1\n");
        assertEquals(OptionalDouble.empty(), limits.cpuCores());
        assertEquals(OptionalDouble.empty(), new CgroupLimits(root.resolve("absent")).cpuCores());
    }

    /** The agent's own group, as /proc/self/cgroup names it: a systemd service's limits, not the root's. */
    @Test
    void readsTheGroupThisProcessRunsIn() throws IOException {
        Path group = Files.createDirectories(root.resolve("system.slice/logcollect-agent.service"));
        Files.writeString(group.resolve("memory.max"), "1073741824\n");
        Files.writeString(group.resolve("memory.current"), "268435456\n");
        Files.writeString(group.resolve("cpu.max"), "200000 100000\n");
        Path procCgroup = root.resolve("proc-self-cgroup");
        Files.writeString(procCgroup, "0::/system.slice/logcollect-agent.service\n");
        CgroupLimits limits = CgroupLimits.of(root, procCgroup);
        assertEquals(OptionalLong.of(1_073_741_824L), limits.memoryBytes());
        assertEquals(OptionalLong.of(268_435_456L), limits.memoryUsageBytes());
        assertEquals(OptionalDouble.of(2.0), limits.cpuCores());

        Path v1 = Files.createDirectories(root.resolve("memory/docker/abc"));
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "536870912\n");
        Files.writeString(v1.resolve("memory.usage_in_bytes"), "1048576\n");
        Files.writeString(procCgroup, "12:cpu,cpuacct:/docker/abc\n9:memory:/docker/abc\n");
        CgroupLimits v1Limits = CgroupLimits.of(root, procCgroup);
        assertEquals(OptionalLong.of(536_870_912L), v1Limits.memoryBytes());
        assertEquals(OptionalLong.of(1_048_576L), v1Limits.memoryUsageBytes());
    }
}
