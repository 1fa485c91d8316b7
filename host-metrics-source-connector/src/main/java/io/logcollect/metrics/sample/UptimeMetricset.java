package io.logcollect.metrics.sample;

import oshi.software.os.OperatingSystem;

import java.util.List;

/** {@code uptime}: how long the host has been up. */
final class UptimeMetricset implements Metricset {

    private final OperatingSystem os;

    UptimeMetricset(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public String name() {
        return "uptime";
    }

    @Override
    public List<Document> sample() {
        return List.of(new Document(name()).put("system.uptime.duration.ms", os.getSystemUptime() * 1000));
    }
}
