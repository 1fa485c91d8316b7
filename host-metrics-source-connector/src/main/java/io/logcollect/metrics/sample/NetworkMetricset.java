package io.logcollect.metrics.sample;

import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code network}: per interface (loopback included, so local traffic shows), the bytes, packets, errors and
 * drops received and sent as Metricbeat emits them: cumulative counters since the interface came up (dashboards
 * take the derivative). OSHI has no count of packets dropped on sending; it comes from {@code /proc/net/dev}
 * where there is one. One more event carries the host's traffic over every interface reported during the last
 * period ({@code host.network.ingress/egress}: deltas, over the same interfaces, loopback included, as Metricbeat
 * computes its host fields; exclude {@code lo} with {@code network.interfaces.exclude} to leave it out); it is
 * left out when a counter went backwards or was seen for the first time.
 */
final class NetworkMetricset implements Metricset {

    private final HardwareAbstractionLayer hardware;
    private final NameFilter interfaces;
    private final Path procNetDev;
    private final Counters counters = new Counters();

    NetworkMetricset(HardwareAbstractionLayer hardware, NameFilter interfaces, Path procNetDev) {
        this.hardware = hardware;
        this.interfaces = interfaces;
        this.procNetDev = procNetDev;
    }

    @Override
    public String name() {
        return "network";
    }

    @Override
    public List<Document> sample() {
        List<Document> docs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, Long> sendDrops = sendDrops(procNetDev);
        long[] totals = new long[4];
        boolean complete = true;
        for (NetworkIF nic : hardware.getNetworkIFs(true)) {
            String name = nic.getName();
            if (!interfaces.accepts(name)) {
                continue;
            }
            nic.updateAttributes();
            long[] values = {nic.getBytesRecv(), nic.getBytesSent(), nic.getPacketsRecv(), nic.getPacketsSent(),
                    nic.getInErrors(), nic.getOutErrors(), nic.getInDrops()};
            String[] fields = {"in.bytes", "out.bytes", "in.packets", "out.packets", "in.errors", "out.errors",
                    "in.dropped"};
            Document doc = new Document(name()).put("system.network.name", name);
            for (int i = 0; i < values.length; i++) {
                doc.put("system.network." + fields[i], values[i]);
            }
            doc.put("system.network.out.dropped", sendDrops.get(name));
            docs.add(doc);
            for (int i = 0; i < totals.length; i++) {
                String key = name + "/" + fields[i];
                seen.add(key);
                OptionalLong delta = counters.delta(key, values[i]);
                if (delta.isPresent()) {
                    totals[i] += delta.getAsLong();
                } else {
                    complete = false;
                }
            }
        }
        counters.retainOnly(seen);
        if (!docs.isEmpty() && complete) {
            docs.add(new Document(name())
                    .put("host.network.ingress.bytes", totals[0])
                    .put("host.network.egress.bytes", totals[1])
                    .put("host.network.ingress.packets", totals[2])
                    .put("host.network.egress.packets", totals[3]));
        }
        return docs;
    }

    /**
     * Packets dropped on sending, per interface, from {@code /proc/net/dev} (the fourth of the eight transmit
     * columns); empty where the file does not exist.
     */
    static Map<String, Long> sendDrops(Path procNetDev) {
        Map<String, Long> drops = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(procNetDev);
        } catch (IOException e) {
            return drops;
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] columns = line.substring(colon + 1).trim().split("\\s+");
            if (columns.length >= 12) {
                try {
                    drops.put(line.substring(0, colon).trim(), Long.parseLong(columns[11]));
                } catch (NumberFormatException e) {
                    // a header line or a format this reader does not know: no value
                }
            }
        }
        return drops;
    }
}
