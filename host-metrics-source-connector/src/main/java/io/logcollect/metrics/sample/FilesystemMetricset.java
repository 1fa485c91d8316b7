package io.logcollect.metrics.sample;

import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code filesystem}: per mounted file system, its size, what is used and what is still available to
 * unprivileged users. {@code used.pct} is used / (used + available), as {@code df} and Metricbeat compute it: the
 * blocks reserved for root count neither as used nor as available, so a disk that {@code df} shows 100% full is
 * 1.0 here. Pseudo file systems (proc, sysfs, tmpfs, cgroup, ...) are left out by type.
 */
final class FilesystemMetricset implements Metricset {

    private final OperatingSystem os;
    private final NameFilter mountPoints;
    private final Set<String> excludedTypes;

    FilesystemMetricset(OperatingSystem os, NameFilter mountPoints, Set<String> excludedTypes) {
        this.os = os;
        this.mountPoints = mountPoints;
        this.excludedTypes = excludedTypes;
    }

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public List<Document> sample() {
        List<Document> docs = new ArrayList<>();
        for (OSFileStore store : os.getFileSystem().getFileStores()) {
            String type = store.getType();
            if (excludedTypes.contains(type) || type.startsWith("fuse.") || !mountPoints.accepts(store.getMount())
                    || store.getTotalSpace() <= 0) {
                continue;
            }
            long total = store.getTotalSpace();
            long free = store.getFreeSpace();
            long available = store.getUsableSpace();
            long used = total - free;
            docs.add(new Document(name())
                    .put("system.filesystem.mount_point", store.getMount())
                    .put("system.filesystem.device_name", store.getVolume())
                    .put("system.filesystem.type", type)
                    .put("system.filesystem.total", total)
                    .put("system.filesystem.free", free)
                    .put("system.filesystem.available", available)
                    .put("system.filesystem.used.bytes", used)
                    .put("system.filesystem.used.pct", used + available <= 0 ? 0.0
                            : Math.max(0, Math.min(1, (double) used / (used + available))))
                    .put("system.filesystem.files", store.getTotalInodes() > 0 ? store.getTotalInodes() : null)
                    .put("system.filesystem.free_files", store.getTotalInodes() > 0 ? store.getFreeInodes() : null));
        }
        return docs;
    }
}
