package io.logcollect.metrics;

import io.logcollect.host.HostIdentity;
import io.logcollect.metrics.sample.NameFilter;
import io.logcollect.metrics.sample.SamplerSettings;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configuration of {@link HostMetricsSourceConnector} and its task. */
public final class HostMetricsConfig extends AbstractConfig {

    public static final String METRICSETS = "metricsets";
    public static final String INTERVAL_MS = "interval.ms";
    public static final String TOPIC = "topic";
    public static final String HOST_NAME = "host.name";
    public static final String INTERFACES_INCLUDE = "network.interfaces.include";
    public static final String INTERFACES_EXCLUDE = "network.interfaces.exclude";
    public static final String DEVICES_INCLUDE = "diskio.devices.include";
    public static final String DEVICES_EXCLUDE = "diskio.devices.exclude";
    public static final String MOUNT_POINTS_INCLUDE = "filesystem.mount.points.include";
    public static final String MOUNT_POINTS_EXCLUDE = "filesystem.mount.points.exclude";
    public static final String FS_TYPES_EXCLUDE = "filesystem.types.exclude";
    public static final String HOSTFS = "hostfs";

    /** File systems that hold no files of their own (Metricbeat leaves the same out). */
    static final String PSEUDO_FILE_SYSTEMS = "autofs,binfmt_misc,bpf,cgroup,cgroup2,configfs,debugfs,devpts,devtmpfs,"
            + "efivarfs,fusectl,hugetlbfs,mqueue,nsfs,proc,pstore,ramfs,rpc_pipefs,securityfs,squashfs,sysfs,"
            + "tmpfs,tracefs";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(METRICSETS, Type.LIST, String.join(",", SamplerSettings.ALL), ConfigDef.LambdaValidator.with(
                    (key, value) -> {
                        for (Object name : (List<?>) value) {
                            if (!SamplerSettings.ALL.contains(name.toString().trim())) {
                                throw new ConfigException(key, value, "'" + name + "' is not a metricset; known: "
                                        + SamplerSettings.ALL);
                            }
                        }
                    }, () -> "a list of " + SamplerSettings.ALL), Importance.HIGH,
                    "The metricsets to read, with Metricbeat's names: " + SamplerSettings.ALL + ". logcollect is the"
                            + " agent's own health (the worker process).")
            .define(INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1000), Importance.MEDIUM,
                    "How often every metricset is read, in milliseconds. Rates and percentages cover the interval"
                            + " since the previous read; the first read gives none of them.")
            .define(TOPIC, Type.STRING, "logcollect-metrics", Importance.HIGH,
                    "The topic of the metric events, one per metricset (and per interface, device or mount point)"
                            + " per interval.")
            .define(HOST_NAME, Type.STRING, null, Importance.MEDIUM,
                    "host.name of every event. Default: this machine's host name, as the tail connector's.")
            .define(INTERFACES_INCLUDE, Type.LIST, "", Importance.LOW,
                    "Globs of the network interfaces to report (e.g. eth*,ens*); empty for all.")
            .define(INTERFACES_EXCLUDE, Type.LIST, "", Importance.LOW,
                    "Globs of network interfaces not to report (e.g. veth*).")
            .define(DEVICES_INCLUDE, Type.LIST, "", Importance.LOW,
                    "Globs of the block devices to report (e.g. sd*,nvme*); empty for all.")
            .define(DEVICES_EXCLUDE, Type.LIST, "loop*,ram*", Importance.LOW,
                    "Globs of block devices not to report.")
            .define(MOUNT_POINTS_INCLUDE, Type.LIST, "", Importance.LOW,
                    "Globs of the mount points to report (e.g. /,/var/**); empty for all.")
            .define(MOUNT_POINTS_EXCLUDE, Type.LIST, "", Importance.LOW,
                    "Globs of mount points not to report (e.g. /snap/**).")
            .define(FS_TYPES_EXCLUDE, Type.LIST, PSEUDO_FILE_SYSTEMS, Importance.LOW,
                    "File system types not to report: by default the pseudo file systems, which hold no files of"
                            + " their own. FUSE file systems (fuse.*) are always left out.")
            .define(HOSTFS, Type.STRING, "/", Importance.LOW,
                    "Where the host's file system is mounted as the agent sees it, like Metricbeat's"
                            + " system.hostfs: the /proc files read for process_summary, memory, the packets dropped"
                            + " on sending and the disks' read and write times are read below it. Set it to e.g."
                            + " /hostfs when the agent runs in a container with the host's / mounted there.");

    public HostMetricsConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public SamplerSettings samplerSettings() {
        return new SamplerSettings(names(METRICSETS),
                new NameFilter(getList(INTERFACES_INCLUDE), getList(INTERFACES_EXCLUDE)),
                new NameFilter(getList(DEVICES_INCLUDE), getList(DEVICES_EXCLUDE)),
                new NameFilter(getList(MOUNT_POINTS_INCLUDE), getList(MOUNT_POINTS_EXCLUDE)),
                names(FS_TYPES_EXCLUDE), Path.of(getString(HOSTFS)));
    }

    private Set<String> names(String key) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : getList(key)) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }

    /** The host's one name (DESIGN.md section 9): this setting, else LOGCOLLECT_HOST_NAME, else the OS's. */
    public String hostName() {
        return HostIdentity.resolve(getString(HOST_NAME));
    }
}
