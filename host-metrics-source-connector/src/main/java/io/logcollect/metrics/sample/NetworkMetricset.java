package io.logcollect.metrics.sample;

import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code network}: per interface (loopback included, so local traffic shows), the bytes, packets, errors and
 * drops since the previous sample; and one event with the host totals over the interfaces that are not
 * loopback ({@code host.network.ingress/egress}). A counter that went backwards gives no value.
 */
final class NetworkMetricset implements Metricset {

    private final HardwareAbstractionLayer hardware;
    private final NameFilter interfaces;
    private final Counters counters = new Counters();

    NetworkMetricset(HardwareAbstractionLayer hardware, NameFilter interfaces) {
        this.hardware = hardware;
        this.interfaces = interfaces;
    }

    @Override
    public String name() {
        return "network";
    }

    @Override
    public List<Document> sample() {
        List<Document> docs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long[] totals = new long[4];
        boolean complete = true;
        for (NetworkIF nic : hardware.getNetworkIFs(true)) {
            String name = nic.getName();
            if (!interfaces.accepts(name)) {
                continue;
            }
            nic.updateAttributes();
            Document doc = new Document(name()).put("system.network.name", name);
            long[] values = {nic.getBytesRecv(), nic.getBytesSent(), nic.getPacketsRecv(), nic.getPacketsSent(),
                    nic.getInErrors(), nic.getOutErrors(), nic.getInDrops()};
            String[] fields = {"in.bytes", "out.bytes", "in.packets", "out.packets", "in.errors", "out.errors",
                    "in.dropped"};
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                String key = name + "/" + fields[i];
                seen.add(key);
                OptionalLong delta = counters.delta(key, values[i]);
                if (delta.isPresent()) {
                    doc.put("system.network." + fields[i], delta.getAsLong());
                    any = true;
                    if (i < 4 && !isLoopback(nic)) {
                        totals[i] += delta.getAsLong();
                    }
                } else if (i < 4 && !isLoopback(nic)) {
                    complete = false;
                }
            }
            if (any) {
                docs.add(doc);
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

    private static boolean isLoopback(NetworkIF nic) {
        return nic.getName().equals("lo") || nic.queryNetworkInterface() != null && isLoopback(nic.queryNetworkInterface());
    }

    private static boolean isLoopback(java.net.NetworkInterface nic) {
        try {
            return nic.isLoopback();
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
