package io.logcollect.metrics;

import io.logcollect.host.HostIdentity;
import io.logcollect.metrics.record.MetricRecords;
import io.logcollect.metrics.sample.Document;
import io.logcollect.metrics.sample.HostSampler;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Reads the host's metricsets every {@code interval.ms} and hands their events to Connect. */
public class HostMetricsSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(HostMetricsSourceTask.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopping = lock.newCondition();
    private HostSampler sampler;
    private MetricRecords records;
    private long intervalMs;
    /** When the next sample is due, on the monotonic clock: a wall clock stepped back must not stop sampling. */
    private long nextSampleAtNanos;
    private volatile boolean stopped;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        HostMetricsConfig config = new HostMetricsConfig(props);
        intervalMs = config.getLong(HostMetricsConfig.INTERVAL_MS);
        String hostName = config.hostName();
        sampler = new HostSampler(config.samplerSettings(), new HostSampler.Health() {
            @Override
            public void failing(String metricset, String reason, Duration retryIn) {
                log.warn("Metricset {} cannot be read on this host ({}); it is tried again in {} s, then with a"
                        + " growing backoff (up to 10 minutes), while the others go on", metricset, reason,
                        retryIn.toSeconds());
            }

            @Override
            public void recovered(String metricset) {
                log.info("Metricset {} is read again", metricset);
            }
        });
        records = new MetricRecords(config.getString(HostMetricsConfig.TOPIC), hostName, osHostName(),
                HostIdentity.agentId(hostName, props.getOrDefault("name", "host-metrics"), "0"), Version.get(),
                intervalMs);
        nextSampleAtNanos = System.nanoTime();
        log.info("Reading metricsets {} of host '{}' every {} ms", sampler.metricsets(), hostName, intervalMs);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        lock.lock();
        try {
            long wait = nextSampleAtNanos - System.nanoTime();
            if (stopped) {
                return null;
            }
            if (wait > 0) {
                stopping.await(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                return null;
            }
        } finally {
            lock.unlock();
        }
        long nowNanos = System.nanoTime();
        nextSampleAtNanos = Math.max(nextSampleAtNanos + TimeUnit.MILLISECONDS.toNanos(intervalMs),
                nowNanos + TimeUnit.MILLISECONDS.toNanos(intervalMs / 2));
        long now = System.currentTimeMillis();
        List<Document> documents = sampler.sample();
        List<SourceRecord> batch = new ArrayList<>(documents.size());
        for (Document document : documents) {
            batch.add(records.record(document, now));
        }
        return batch.isEmpty() ? null : batch;
    }

    @Override
    public void stop() {
        stopped = true;
        lock.lock();
        try {
            stopping.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static String osHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }
}
