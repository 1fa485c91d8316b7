package io.logcollect.tail;

import io.logcollect.tail.engine.TailStats;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The task's metrics, registered through {@code pluginMetrics()} (Kafka 4.1+) so they appear under the
 * worker's {@code kafka.connect.plugins} JMX domain with the connector and task tags. On older runtimes the
 * method does not exist and the task runs without them.
 */
final class TailMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TailMetrics.class);

    private final PluginMetrics plugin;
    private final List<MetricName> names = new ArrayList<>();

    private TailMetrics(PluginMetrics plugin) {
        this.plugin = plugin;
    }

    static TailMetrics register(SourceTaskContext context, TailStats stats, int entryErrors) {
        PluginMetrics plugin;
        try {
            plugin = context.pluginMetrics();
        } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException e) {
            log.info("This Connect runtime has no plugin metrics (Kafka 4.1+); running without task metrics");
            return new TailMetrics(null);
        }
        TailMetrics metrics = new TailMetrics(plugin);
        metrics.gauge("lines-total", "Lines read", stats, TailStats::lines);
        metrics.gauge("records-total", "Records produced (a multiline group is one record)", stats, TailStats::events);
        metrics.gauge("bytes-total", "Bytes read", stats, TailStats::bytes);
        metrics.gauge("files-open", "Open file handles", stats, TailStats::filesOpen);
        metrics.gauge("files-tracked", "Files tracked", stats, TailStats::filesTracked);
        metrics.gauge("files-failing", "Files that failed to be read and wait to be tried again", stats,
                TailStats::filesFailing);
        metrics.gauge("bytes-behind", "Bytes of tracked files not yet read, as of the last scan", stats,
                TailStats::bytesBehind);
        metrics.gauge("rotations-total", "Files seen at a new path (rename rotation)", stats, TailStats::renames);
        metrics.gauge("truncations-total", "Files found truncated (copytruncate)", stats, TailStats::truncations);
        metrics.gauge("held-bytes", "Unread bytes of files renamed out of the globs or deleted that the task holds"
                + " open", stats, TailStats::heldBytes);
        metrics.gauge("lost-bytes-total", "Bytes the task had to let go unread (max.held.bytes, max.open.files, a"
                + " file gone while closed)", stats, TailStats::lostBytes);
        metrics.gauge("lost-lines-total", "Lines among lost-bytes-total, where they could be counted", stats,
                TailStats::lostLines);
        metrics.gauge("output-blocked-since-ms", "Since when (epoch ms) Kafka has not taken the task's lines, or 0",
                stats, TailStats::outputBlockedSinceMillis);
        metrics.gauge("errors-total", "Files refused or unreadable, and refused entries", stats,
                s -> s.errors() + entryErrors);
        return metrics;
    }

    private void gauge(String name, String description, TailStats stats, ToLongFunction<TailStats> value) {
        MetricName metricName = plugin.metricName(name, description, new LinkedHashMap<>());
        plugin.addMetric(metricName, (Gauge<Long>) (config, now) -> value.applyAsLong(stats));
        names.add(metricName);
    }

    @Override
    public void close() {
        if (plugin != null) {
            names.forEach(plugin::removeMetric);
        }
    }
}
