package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.console.search.SearchRequests;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A host's metrics over time for its charts, from the host-metrics records (DESIGN.md section 9). Gauges are
 * averaged per time bucket; the disk and network counters, cumulative as Metricbeat's, become rates per second
 * (the growth of each device's or interface's counter from one bucket to the next, over the bucket's length), so
 * the unit does not change with the range. A counter that went back (a reboot) gives no value for that bucket.
 * The host's total network comes from {@code host.network.*}, deltas over each record's {@code metricset.period};
 * one interface or one disk can be chosen instead. File systems: used share per mount point.
 */
final class HostCharts {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** About this many points per chart, whatever the range. */
    private static final int POINTS = 120;
    private static final int MAX_SERIES = 20;

    private final RestClient client;
    private final String metricsIndex;

    HostCharts(RestClient client, String metricsIndex) {
        this.client = client;
        this.metricsIndex = metricsIndex;
    }

    /**
     * {@code {"time": [s...], "interval_s", "cpu", "load1", "memory", "disk_read", "disk_write", "disk_read_ops",
     * "disk_write_ops", "net_in", "net_out", "filesystems": {mount: [...]}, "devices": [...], "interfaces": [...]}}.
     *
     * @param device    one block device, or null for every one
     * @param network   one interface, or null for the host's total over the interfaces that are not loopback
     */
    Map<String, Object> series(String host, Instant from, Instant to, String device, String network)
            throws IOException {
        long span = Math.max(60_000, to.toEpochMilli() - from.toEpochMilli());
        long interval = Math.max(10_000, span / POINTS / 10_000 * 10_000);
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("host.name", host);
        filter.addObject().putObject("range").putObject("@timestamp").put("gte", from.toEpochMilli() - interval)
                .put("lte", to.toEpochMilli()).put("format", "epoch_millis");
        ObjectNode aggs = body.putObject("aggs");
        ObjectNode histogram = aggs.putObject("time");
        histogram.putObject("date_histogram").put("field", "@timestamp").put("fixed_interval", (interval / 1000) + "s")
                .put("min_doc_count", 0).putObject("extended_bounds").put("min", from.toEpochMilli() - interval)
                .put("max", to.toEpochMilli());
        ObjectNode per = histogram.putObject("aggs");
        per.putObject("cpu").putObject("avg").put("field", "system.cpu.total.norm.pct");
        per.putObject("load1").putObject("avg").put("field", "system.load.1");
        per.putObject("memory").putObject("avg").put("field", "system.memory.actual.used.pct");
        counterTerms(per, "disks", "system.diskio.name", device, "system.diskio.read.bytes",
                "system.diskio.write.bytes", "system.diskio.read.count", "system.diskio.write.count");
        if (network == null) {
            per.putObject("net_in").putObject("avg").put("field", "host.network.ingress.bytes");
            per.putObject("net_out").putObject("avg").put("field", "host.network.egress.bytes");
            per.putObject("period").putObject("avg").put("field", "metricset.period");
        } else {
            counterTerms(per, "nics", "system.network.name", network, "system.network.in.bytes",
                    "system.network.out.bytes");
        }
        ObjectNode mounts = per.putObject("mounts");
        mounts.putObject("terms").put("field", "system.filesystem.mount_point").put("size", MAX_SERIES);
        mounts.putObject("aggs").putObject("used").putObject("avg").put("field", "system.filesystem.used.pct");
        aggs.putObject("devices").putObject("terms").put("field", "system.diskio.name").put("size", MAX_SERIES);
        aggs.putObject("interfaces").putObject("terms").put("field", "system.network.name").put("size", MAX_SERIES);
        JsonNode response = SearchRequests.search(client, metricsIndex, body);

        double seconds = interval / 1000.0;
        List<Long> times = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (String name : List.of("cpu", "load1", "memory", "disk_read", "disk_write", "disk_read_ops",
                "disk_write_ops", "net_in", "net_out")) {
            series.put(name, new ArrayList<>());
        }
        Map<String, List<Double>> filesystems = new TreeMap<>();
        Map<String, double[]> previousDisks = new LinkedHashMap<>();
        Map<String, double[]> previousNics = new LinkedHashMap<>();
        JsonNode buckets = response.path("aggregations").path("time").path("buckets");
        int index = 0;
        for (JsonNode bucket : buckets) {
            long key = bucket.path("key").asLong();
            boolean shown = key >= from.toEpochMilli();
            double[] disk = rates(bucket.path("disks").path("buckets"), previousDisks, 4);
            double[] nic = network == null ? null : rates(bucket.path("nics").path("buckets"), previousNics, 2);
            if (!shown) {
                continue;
            }
            times.add(bucket.path("key").asLong() / 1000);
            boolean any = bucket.path("doc_count").asLong() > 0;
            series.get("cpu").add(value(bucket, "cpu", any));
            series.get("load1").add(value(bucket, "load1", any));
            series.get("memory").add(value(bucket, "memory", any));
            series.get("disk_read").add(disk == null ? null : disk[0]);
            series.get("disk_write").add(disk == null ? null : disk[1]);
            series.get("disk_read_ops").add(disk == null ? null : disk[2]);
            series.get("disk_write_ops").add(disk == null ? null : disk[3]);
            if (network == null) {
                Double in = value(bucket, "net_in", any);
                Double out = value(bucket, "net_out", any);
                Double period = value(bucket, "period", any);
                boolean rated = period != null && period > 0;
                series.get("net_in").add(in == null || !rated ? null : in / (period / 1000));
                series.get("net_out").add(out == null || !rated ? null : out / (period / 1000));
            } else {
                series.get("net_in").add(nic == null ? null : nic[0]);
                series.get("net_out").add(nic == null ? null : nic[1]);
            }
            for (JsonNode mount : bucket.path("mounts").path("buckets")) {
                List<Double> used = filesystems.computeIfAbsent(mount.path("key").asText(), k -> new ArrayList<>());
                while (used.size() < index) {
                    used.add(null);
                }
                JsonNode pct = mount.path("used").path("value");
                used.add(pct.isNumber() ? pct.asDouble() : null);
            }
            index++;
        }
        for (List<Double> used : filesystems.values()) {
            while (used.size() < times.size()) {
                used.add(null);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("time", times);
        result.put("interval_s", seconds);
        result.putAll(series);
        result.put("filesystems", filesystems);
        result.put("devices", names(response.path("aggregations").path("devices")));
        result.put("interfaces", names(response.path("aggregations").path("interfaces")));
        return result;
    }

    /** Per device (or the one chosen) and time bucket, the highest value of each counter. */
    private static void counterTerms(ObjectNode parent, String name, String field, String only, String... counters) {
        ObjectNode terms = parent.putObject(name);
        if (only == null) {
            terms.putObject("terms").put("field", field).put("size", MAX_SERIES);
        } else {
            terms.putObject("terms").put("field", field).put("size", 1).putArray("include").add(only);
        }
        ObjectNode maxes = terms.putObject("aggs");
        for (int i = 0; i < counters.length; i++) {
            maxes.putObject("c" + i).putObject("max").put("field", counters[i]);
        }
        maxes.putObject("at").putObject("max").put("field", "@timestamp");
    }

    /**
     * The rates per second of a bucket's counters, summed over its devices: each device's counter minus its value
     * in the last bucket it had one, over the time between the two readings (a counter's highest value in a
     * bucket is its last reading there, since it only grows). Null when no device had a value before.
     */
    private static double[] rates(JsonNode devices, Map<String, double[]> previous, int counters) {
        double[] sum = new double[counters];
        boolean any = false;
        for (JsonNode device : devices) {
            double[] now = new double[counters + 1];
            for (int i = 0; i < counters; i++) {
                JsonNode value = device.path("c" + i).path("value");
                now[i] = value.isNumber() ? value.asDouble() : Double.NaN;
            }
            now[counters] = device.path("at").path("value").asDouble();
            double[] before = previous.put(device.path("key").asText(), now);
            if (before == null) {
                continue;
            }
            double seconds = (now[counters] - before[counters]) / 1000.0;
            for (int i = 0; i < counters; i++) {
                double growth = now[i] - before[i];
                if (!Double.isNaN(growth) && growth >= 0 && seconds > 0) {
                    sum[i] += growth / seconds;
                    any = true;
                }
            }
        }
        return any ? sum : null;
    }

    private static Double value(JsonNode bucket, String name, boolean any) {
        JsonNode value = bucket.path(name).path("value");
        return any && value.isNumber() ? value.asDouble() : null;
    }

    private static List<String> names(JsonNode terms) {
        TreeSet<String> names = new TreeSet<>();
        terms.path("buckets").forEach(bucket -> names.add(bucket.path("key").asText()));
        return List.copyOf(names);
    }
}
