package io.logcollect.metrics.sample;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads the host's metricsets through OSHI, one {@link Document} per event. A metricset that cannot be read (no
 * libudev, no permission, a file that went away) is tried again after 10 s, then with a doubling backoff up to
 * 10 minutes, for ever, while the others go on; it is reported once when it fails and once when it is read again,
 * and the agent's own {@code logcollect} metricset lists the ones failing now. Times are taken from a monotonic
 * clock, so a wall clock stepped back delays nothing. Knows nothing of Kafka Connect.
 */
public final class HostSampler {

    /** What the sampler says of metricsets that fail and come back. */
    public interface Health {
        void failing(String metricset, String reason, Duration retryIn);

        void recovered(String metricset);
    }

    /** How long a failing metricset waits before it is tried again: 10 s, doubling, up to 10 minutes. */
    private static final RetryPolicy<Object> RETRY = RetryPolicy.builder().handle(Throwable.class)
            .withBackoff(Duration.ofSeconds(10), Duration.ofMinutes(10)).withMaxRetries(-1).build();

    /** One metricset, made on first use (making it can fail too), and its failures. */
    private final class Slot {
        final String name;
        final Supplier<Metricset> factory;
        Metricset metricset;
        Execution<Object> failures;
        long retryAtNanos;
        String reason;

        Slot(String name, Supplier<Metricset> factory) {
            this.name = name;
            this.factory = factory;
        }

        List<Document> sample() {
            if (failures != null && clock.getAsLong() - retryAtNanos < 0) {
                return List.of();
            }
            try {
                if (metricset == null) {
                    metricset = factory.get();
                }
                List<Document> documents = metricset.sample();
                if (failures != null) {
                    failures = null;
                    reason = null;
                    health.recovered(name);
                }
                return documents;
            } catch (RuntimeException | LinkageError e) {
                boolean first = failures == null;
                if (first) {
                    failures = Execution.of(RETRY);
                }
                failures.recordException(e);
                Duration delay = failures.getDelay();
                retryAtNanos = clock.getAsLong() + delay.toNanos();
                reason = describe(e);
                if (first) {
                    health.failing(name, reason, delay);
                }
                return List.of();
            }
        }
    }

    private final List<Slot> slots = new ArrayList<>();
    private final Health health;
    private final LongSupplier clock;

    public HostSampler(SamplerSettings settings, Health health) {
        this.health = health;
        this.clock = System::nanoTime;
        SystemInfo system = new SystemInfo();
        HardwareAbstractionLayer hardware = system.getHardware();
        OperatingSystem os = system.getOperatingSystem();
        CgroupLimits cgroup = CgroupLimits.ofThisProcess();
        Path proc = settings.hostfs().resolve("proc");
        for (String name : SamplerSettings.ALL) {
            if (!settings.metricsets().contains(name)) {
                continue;
            }
            slots.add(new Slot(name, () -> switch (name) {
                case "cpu" -> new CpuMetricset(hardware.getProcessor(), cgroup);
                case "load" -> new LoadMetricset(hardware.getProcessor());
                case "memory" -> new MemoryMetricset(hardware.getMemory(), cgroup, proc.resolve("meminfo"));
                case "network" -> new NetworkMetricset(hardware, settings.interfaces(), proc.resolve("net/dev"));
                case "diskio" -> new DiskIoMetricset(hardware, settings.devices(), proc.resolve("diskstats"));
                case "filesystem" -> new FilesystemMetricset(os, settings.mountPoints(), settings.excludedFsTypes());
                case "process_summary" -> new ProcessSummaryMetricset(proc);
                case "uptime" -> new UptimeMetricset(os);
                default -> new AgentMetricset(os, hardware.getProcessor().getLogicalProcessorCount(), cgroup,
                        this::failing);
            }));
        }
    }

    /** A sampler of given metricsets, on a given monotonic clock (nanoseconds). */
    HostSampler(List<Metricset> metricsets, Health health, LongSupplier clock) {
        this.health = health;
        this.clock = clock;
        metricsets.forEach(metricset -> slots.add(new Slot(metricset.name(), () -> metricset)));
    }

    /** The events of every metricset that can be read now; those failing wait for their retry. */
    public List<Document> sample() {
        List<Document> documents = new ArrayList<>();
        for (Slot slot : slots) {
            documents.addAll(slot.sample());
        }
        return documents;
    }

    /** The names of the metricsets sampled. */
    public List<String> metricsets() {
        return slots.stream().map(slot -> slot.name).toList();
    }

    /** The metricsets failing now, with why. */
    public Map<String, String> failing() {
        Map<String, String> failing = new LinkedHashMap<>();
        for (Slot slot : slots) {
            if (slot.reason != null) {
                failing.put(slot.name, slot.reason);
            }
        }
        return failing;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
