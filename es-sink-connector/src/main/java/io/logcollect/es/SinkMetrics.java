package io.logcollect.es;

import io.logcollect.es.bulk.BulkMetrics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.LinkedHashMap;
import java.util.function.IntSupplier;

/**
 * The task's metrics, registered through {@code SinkTaskContext.pluginMetrics()} (Kafka 4.1+), which tags them
 * with the connector and task: documents and bytes per second and in total, bulk latency, retries, failures,
 * buffered records and requests in flight. Only loaded through {@link #create}, which returns
 * {@link BulkMetrics#NONE} on runtimes without plugin metrics.
 */
final class SinkMetrics implements BulkMetrics {

    private final Sensor documents;
    private final Sensor bytes;
    private final Sensor latency;
    private final Sensor retries;
    private final Sensor failures;

    private SinkMetrics(PluginMetrics metrics, IntSupplier buffered, IntSupplier inFlight) {
        documents = metrics.addSensor("documents");
        documents.add(name(metrics, "documents-rate", "documents acknowledged per second"), new Rate());
        documents.add(name(metrics, "documents-total", "documents acknowledged"), new CumulativeSum());
        bytes = metrics.addSensor("bulk-bytes");
        bytes.add(name(metrics, "bulk-bytes-rate", "bulk request bytes sent per second"), new Rate());
        bytes.add(name(metrics, "bulk-bytes-total", "bulk request bytes sent"), new CumulativeSum());
        latency = metrics.addSensor("bulk-latency");
        latency.add(name(metrics, "bulk-latency-avg-ms", "average bulk request latency"), new Avg());
        latency.add(name(metrics, "bulk-latency-max-ms", "longest bulk request latency"), new Max());
        retries = metrics.addSensor("retries");
        retries.add(name(metrics, "retries-total", "documents queued again after a transient failure"),
                new CumulativeSum());
        failures = metrics.addSensor("failures");
        failures.add(name(metrics, "failures-total", "documents refused for good (malformed or fatal)"),
                new CumulativeSum());
        metrics.addMetric(name(metrics, "buffered-records", "records not acknowledged yet"),
                (Gauge<Integer>) (config, now) -> buffered.getAsInt());
        metrics.addMetric(name(metrics, "in-flight-requests", "bulk requests awaiting an answer"),
                (Gauge<Integer>) (config, now) -> inFlight.getAsInt());
    }

    private static MetricName name(PluginMetrics metrics, String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
    }

    /** Metrics through the context, or none when the runtime predates plugin metrics. */
    static BulkMetrics create(SinkTaskContext context, IntSupplier buffered, IntSupplier inFlight) {
        try {
            PluginMetrics metrics = context.pluginMetrics();
            return metrics == null ? BulkMetrics.NONE : new SinkMetrics(metrics, buffered, inFlight);
        } catch (LinkageError | UnsupportedOperationException e) {
            return BulkMetrics.NONE;
        }
    }

    @Override
    public void requestCompleted(int items, long requestBytes, long latencyNanos) {
        bytes.record(requestBytes);
        latency.record(latencyNanos / 1_000_000.0);
    }

    @Override
    public void acknowledged(int items) {
        documents.record(items);
    }

    @Override
    public void retried(int items) {
        retries.record(items);
    }

    @Override
    public void failed(int items) {
        failures.record(items);
    }
}
