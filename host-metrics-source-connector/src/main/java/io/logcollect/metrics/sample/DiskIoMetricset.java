package io.logcollect.metrics.sample;

import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code diskio}: per block device, the reads and writes (operations and bytes) and the time spent doing I/O
 * since the previous sample. OSHI does not split that time into reading and writing, so {@code read.time} and
 * {@code write.time} are left out. Devices are named as Metricbeat names them ({@code vda}, not {@code /dev/vda}).
 */
final class DiskIoMetricset implements Metricset {

    private final HardwareAbstractionLayer hardware;
    private final NameFilter devices;
    private final Counters counters = new Counters();

    DiskIoMetricset(HardwareAbstractionLayer hardware, NameFilter devices) {
        this.hardware = hardware;
        this.devices = devices;
    }

    @Override
    public String name() {
        return "diskio";
    }

    @Override
    public List<Document> sample() {
        List<Document> docs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HWDiskStore disk : hardware.getDiskStores()) {
            String name = disk.getName().startsWith("/dev/") ? disk.getName().substring(5) : disk.getName();
            if (!devices.accepts(name)) {
                continue;
            }
            disk.updateAttributes();
            Document doc = new Document(name()).put("system.diskio.name", name);
            long[] values = {disk.getReads(), disk.getReadBytes(), disk.getWrites(), disk.getWriteBytes(),
                    disk.getTransferTime()};
            String[] fields = {"read.count", "read.bytes", "write.count", "write.bytes", "io.time"};
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                String key = name + "/" + fields[i];
                seen.add(key);
                OptionalLong delta = counters.delta(key, values[i]);
                if (delta.isPresent()) {
                    doc.put("system.diskio." + fields[i], delta.getAsLong());
                    any = true;
                }
            }
            if (any) {
                docs.add(doc);
            }
        }
        counters.retainOnly(seen);
        return docs;
    }
}
