package io.logcollect.tail;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.policy.EntryError;
import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;
import io.logcollect.tail.engine.TailEngine;
import io.logcollect.tail.engine.TailListener;
import io.logcollect.tail.engine.TailSettings;
import io.logcollect.tail.record.EcsRecords;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Runs a {@link TailEngine} over the entries assigned to this task and hands its events to Connect. */
public class FileTailSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(FileTailSourceTask.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopping = lock.newCondition();
    private FileTailSourceConfig config;
    private TailEngine engine;
    private EcsRecords records;
    private TailMetrics metrics;
    private volatile boolean stopped;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FileTailSourceConfig(props);
        int index = Integer.parseInt(props.getOrDefault(FileTailSourceConfig.TASK_INDEX, "0"));
        int count = Integer.parseInt(props.getOrDefault(FileTailSourceConfig.TASK_COUNT, "1"));
        ParsedPolicy policy;
        try {
            policy = PolicyParser.parse(config.entries(), config.allowedPaths());
        } catch (InvalidPolicyException e) {
            throw new ConnectException("collect.entries: " + e.getMessage());
        }
        if (index == 0) {
            for (EntryError error : policy.errors()) {
                log.error("Policy '{}': {}; the other entries keep running", config.policy(), error.message());
            }
        }
        List<CollectionEntry> assigned = new ArrayList<>();
        for (int i = index; i < policy.entries().size(); i += count) {
            assigned.add(policy.entries().get(i));
        }
        String hostName = config.hostName();
        TailSettings settings = new TailSettings(hostName, config.allowedPaths(),
                config.getLong(FileTailSourceConfig.SCAN_INTERVAL_MS),
                config.getInt(FileTailSourceConfig.FINGERPRINT_BYTES),
                config.getLong(FileTailSourceConfig.CLOSE_INACTIVE_MS),
                config.getInt(FileTailSourceConfig.MAX_OPEN_FILES));
        engine = new TailEngine(settings, assigned, this::storedPositions, new LoggingListener(),
                System::currentTimeMillis);
        records = new EcsRecords(hostName, config.policy(), config.keyByFile());
        metrics = TailMetrics.register(context, engine.stats(), policy.errors().size());
        log.info("Tailing {} of the {} entries of policy '{}' on host '{}' below {}", assigned.size(),
                policy.entries().size(), config.policy(), hostName, config.allowedPaths());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<LogEvent> events;
        lock.lock();
        try {
            if (stopped) {
                return null;
            }
            events = engine.poll(config.getInt(FileTailSourceConfig.BATCH_MAX_RECORDS));
            if (events.isEmpty()) {
                stopping.await(config.getLong(FileTailSourceConfig.POLL_INTERVAL_MS), TimeUnit.MILLISECONDS);
                return null;
            }
        } catch (IOException e) {
            throw new ConnectException("Reading log files failed", e);
        } finally {
            lock.unlock();
        }
        List<SourceRecord> batch = new ArrayList<>(events.size());
        for (LogEvent event : events) {
            batch.add(records.record(event));
        }
        return batch;
    }

    private Map<String, FilePosition> storedPositions(String entryId, Collection<String> identities) {
        List<Map<String, Object>> partitions = new ArrayList<>(identities.size());
        for (String identity : identities) {
            partitions.add(EcsRecords.partition(entryId, identity));
        }
        Map<String, FilePosition> positions = new HashMap<>();
        context.offsetStorageReader().offsets(partitions).forEach((partition, offset) -> {
            if (offset != null) {
                positions.put((String) partition.get(EcsRecords.PARTITION_FILE), new FilePosition(
                        ((Number) offset.get(EcsRecords.OFFSET_POSITION)).longValue(),
                        ((Number) offset.getOrDefault(EcsRecords.OFFSET_EPOCH, 0)).intValue(),
                        ((Number) offset.getOrDefault(EcsRecords.OFFSET_APPLIED, 0L)).longValue()));
            }
        });
        return positions;
    }

    @Override
    public void stop() {
        stopped = true;
        lock.lock();
        try {
            stopping.signalAll();
            if (engine != null) {
                engine.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private final class LoggingListener implements TailListener {
        @Override
        public void fileError(String entryId, String path, String reason) {
            log.error("Entry '{}' of policy '{}': file {} {}; the other files keep running", entryId, config.policy(),
                    path, reason);
        }

        @Override
        public void renamed(String entryId, String fromPath, String toPath) {
            log.debug("Entry '{}': {} was renamed to {}", entryId, fromPath, toPath);
        }

        @Override
        public void truncated(String entryId, String path) {
            log.info("Entry '{}': {} was truncated (copytruncate?); reading it again from its first byte", entryId,
                    path);
        }
    }
}
