package io.logcollect.metrics;

import io.logcollect.metrics.record.MetricRecords;
import io.logcollect.metrics.sample.Document;
import io.logcollect.metrics.sample.HostSampler;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
    private long nextSampleAt;
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
        sampler = new HostSampler(config.samplerSettings(), (metricset, reason) -> log.warn(
                "Metricset {} cannot be read on this host ({}); it is switched off, the others go on", metricset,
                reason));
        records = new MetricRecords(config.getString(HostMetricsConfig.TOPIC), hostName, osHostName(),
                props.getOrDefault("name", "host-metrics") + "@" + hostName, Version.get());
        nextSampleAt = System.currentTimeMillis();
        log.info("Reading metricsets {} of host '{}' every {} ms", sampler.metricsets(), hostName, intervalMs);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        lock.lock();
        try {
            long wait = nextSampleAt - System.currentTimeMillis();
            if (stopped) {
                return null;
            }
            if (wait > 0) {
                stopping.await(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
                return null;
            }
        } finally {
            lock.unlock();
        }
        long now = System.currentTimeMillis();
        nextSampleAt = Math.max(nextSampleAt + intervalMs, now + intervalMs / 2);
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
