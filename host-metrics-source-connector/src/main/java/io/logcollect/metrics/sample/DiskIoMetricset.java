package io.logcollect.metrics.sample;

import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code diskio}: per block device, the reads and writes (operations and bytes) and the time spent doing I/O, as
 * Metricbeat emits them: cumulative counters since boot (dashboards take the derivative). OSHI does not split the
 * time into reading and writing; {@code read.time} and {@code write.time} (milliseconds) come from
 * {@code /proc/diskstats} where there is one. Devices are named as Metricbeat names them ({@code vda}, not
 * {@code /dev/vda}).
 */
final class DiskIoMetricset implements Metricset {

    private final HardwareAbstractionLayer hardware;
    private final NameFilter devices;
    private final Path procDiskstats;

    DiskIoMetricset(HardwareAbstractionLayer hardware, NameFilter devices, Path procDiskstats) {
        this.hardware = hardware;
        this.devices = devices;
        this.procDiskstats = procDiskstats;
    }

    @Override
    public String name() {
        return "diskio";
    }

    @Override
    public List<Document> sample() {
        List<Document> docs = new ArrayList<>();
        Map<String, long[]> times = readAndWriteTimes(procDiskstats);
        for (HWDiskStore disk : hardware.getDiskStores()) {
            String name = disk.getName().startsWith("/dev/") ? disk.getName().substring(5) : disk.getName();
            if (!devices.accepts(name)) {
                continue;
            }
            disk.updateAttributes();
            Document doc = new Document(name()).put("system.diskio.name", name)
                    .put("system.diskio.read.count", disk.getReads())
                    .put("system.diskio.read.bytes", disk.getReadBytes())
                    .put("system.diskio.write.count", disk.getWrites())
                    .put("system.diskio.write.bytes", disk.getWriteBytes())
                    .put("system.diskio.io.time", disk.getTransferTime());
            long[] readWrite = times.get(name);
            if (readWrite != null) {
                doc.put("system.diskio.read.time", readWrite[0]).put("system.diskio.write.time", readWrite[1]);
            }
            docs.add(doc);
        }
        return docs;
    }

    /**
     * Milliseconds spent reading and writing, per device, from {@code /proc/diskstats} (the 7th and 11th columns:
     * major, minor and name come first); empty where the file does not exist.
     */
    static Map<String, long[]> readAndWriteTimes(Path procDiskstats) {
        Map<String, long[]> times = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(procDiskstats);
        } catch (IOException e) {
            return times;
        }
        for (String line : lines) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 11) {
                try {
                    times.put(columns[2], new long[] {Long.parseLong(columns[6]), Long.parseLong(columns[10])});
                } catch (NumberFormatException e) {
                    // a format this reader does not know: no value
                }
            }
        }
        return times;
    }
}
