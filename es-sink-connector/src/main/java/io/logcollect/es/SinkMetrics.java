package io.logcollect.es;

import io.logcollect.es.bulk.BulkEngine;
import io.logcollect.es.bulk.BulkMetrics;
import io.logcollect.es.delivery.DeliveryLedger;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The task's metrics, registered through {@code SinkTaskContext.pluginMetrics()} (Kafka 4.1+), which tags them
 * with the connector and task: documents and bytes per second and in total, bulk latency, retries, failures,
 * buffered records and requests in flight, and the delivery ledger (records received, acknowledged,
 * dead-lettered, dropped on purpose, let go unacknowledged, open). On runtimes without plugin metrics the task
 * runs without them.
 */
final class SinkMetrics {

    /** The metrics of one task, or none. */
    interface Registration extends AutoCloseable {
        BulkMetrics bulk();

        /** Adds the gauges that read the engine and the ledger. */
        void watch(BulkEngine engine, DeliveryLedger ledger);

        @Override
        void close();
    }

    private static final Registration NONE = new Registration() {
        @Override
        public BulkMetrics bulk() {
            return BulkMetrics.NONE;
        }

        @Override
        public void watch(BulkEngine engine, DeliveryLedger ledger) {
        }

        @Override
        public void close() {
        }
    };

    private SinkMetrics() {
    }

    /** Metrics through the context, or none when the runtime predates plugin metrics. */
    static Registration register(SinkTaskContext context) {
        try {
            PluginMetrics metrics = context == null ? null : context.pluginMetrics();
            return metrics == null ? NONE : new Registered(metrics);
        } catch (LinkageError | UnsupportedOperationException e) {
            return NONE;
        }
    }

    private static final class Registered implements Registration, BulkMetrics {
        private final PluginMetrics metrics;
        private final List<MetricName> gauges = new ArrayList<>();
        private final List<String> sensors = new ArrayList<>();
        private final Sensor documents;
        private final Sensor bytes;
        private final Sensor latency;
        private final Sensor retries;
        private final Sensor failures;

        Registered(PluginMetrics metrics) {
            this.metrics = metrics;
            documents = sensor("documents");
            documents.add(name("documents-rate", "documents acknowledged per second"), new Rate());
            documents.add(name("documents-total", "documents acknowledged"), new CumulativeSum());
            bytes = sensor("bulk-bytes");
            bytes.add(name("bulk-bytes-rate", "bulk request bytes sent per second"), new Rate());
            bytes.add(name("bulk-bytes-total", "bulk request bytes sent"), new CumulativeSum());
            latency = sensor("bulk-latency");
            latency.add(name("bulk-latency-avg-ms", "average bulk request latency"), new Avg());
            latency.add(name("bulk-latency-max-ms", "longest bulk request latency"), new Max());
            retries = sensor("retries");
            retries.add(name("retries-total", "documents queued again after a transient failure"),
                    new CumulativeSum());
            failures = sensor("failures");
            failures.add(name("failures-total", "documents refused for good (malformed or fatal)"),
                    new CumulativeSum());
        }

        private Sensor sensor(String sensorName) {
            sensors.add(sensorName);
            return metrics.addSensor(sensorName);
        }

        private MetricName name(String metric, String description) {
            return metrics.metricName(metric, description, new LinkedHashMap<>());
        }

        private void gauge(String metric, String description, LongSupplier value) {
            MetricName name = name(metric, description);
            metrics.addMetric(name, (Gauge<Long>) (config, now) -> value.getAsLong());
            gauges.add(name);
        }

        @Override
        public BulkMetrics bulk() {
            return this;
        }

        @Override
        public void watch(BulkEngine engine, DeliveryLedger ledger) {
            gauge("buffered-records", "records not acknowledged yet", engine::outstanding);
            gauge("in-flight-requests", "bulk requests awaiting an answer", engine::inFlightRequests);
            gauge("records-received-total", "records Connect handed to the task", ledger::received);
            gauge("records-acknowledged-total", "records whose document the search engine acknowledged",
                    ledger::acknowledged);
            gauge("records-dead-lettered-total", "records sent to the dead-letter queue", ledger::deadLettered);
            gauge("records-dropped-total", "records skipped on purpose (ignored tombstones, malformed records"
                    + " with warn or ignore)", ledger::dropped);
            gauge("records-let-go-total", "records still unacknowledged when their partitions were revoked or"
                    + " the task stopped; the next owner sends them again from the committed offset", ledger::letGo);
            gauge("records-open", "records whose fate is open: the committed offset cannot pass them",
                    ledger::pending);
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

        @Override
        public void close() {
            gauges.forEach(metrics::removeMetric);
            sensors.forEach(metrics::removeSensor);
        }
    }
}
