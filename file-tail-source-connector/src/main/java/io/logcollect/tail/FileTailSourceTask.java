package io.logcollect.tail;

import io.logcollect.host.HostIdentity;
import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import io.logcollect.tail.engine.EntryCheckpoint;
import io.logcollect.tail.engine.FilePosition;
import io.logcollect.tail.engine.LogEvent;
import io.logcollect.tail.engine.PositionStore;
import io.logcollect.tail.engine.TailEngine;
import io.logcollect.tail.engine.TailListener;
import io.logcollect.tail.engine.TailSettings;
import io.logcollect.tail.record.EcsRecords;
import io.logcollect.tail.record.StateRecords;
import io.logcollect.tail.record.StatusRecords;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a {@link TailEngine} over exactly the entries the connector assigned to this task ({@code task.entries})
 * and hands its events to Connect, with the entries' checkpoints and deleted positions as records of the status
 * topic. The engine runs and records are built on a {@link ReadAhead} thread, one batch ahead of Connect's
 * conversion and send on the task's thread.
 */
public class FileTailSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(FileTailSourceTask.class);
    private static final long FIRST_IDLE_WAIT_MS = 10;
    /** Enough to build the records of one batch, which is all the read-ahead thread does after the engine closed. */
    private static final long READ_AHEAD_END_WAIT_MS = 5000;
    /**
     * A batch Connect has not taken for this long means its producer blocks: Kafka cannot take lines. Connect
     * takes batches within milliseconds otherwise.
     */
    private static final long OUTPUT_BLOCKED_AFTER_MS = 5000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private FileTailSourceConfig config;
    private TailEngine engine;
    private EcsRecords records;
    private StateRecords stateRecords;
    private StatusRecords statusRecords;
    private long statusIntervalMs;
    /** When the next status is due, on the monotonic clock: a wall clock stepped back must not stop them. */
    private long nextStatusAtNanos;
    private boolean warnedFallingBehind;
    private TailMetrics metrics;
    private ReadAhead<List<SourceRecord>> readAhead;
    private volatile boolean stopped;
    private boolean newFiles;
    private long nextHoldAtNanos;
    /**
     * How long the next empty poll waits: short right after lines were read, since a file being written to
     * usually grows again within milliseconds, doubling up to {@code poll.interval.ms} while the files stay quiet.
     */
    private long idleWaitMs = FIRST_IDLE_WAIT_MS;


    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FileTailSourceConfig(props);
        String assigned = props.get(FileTailSourceConfig.TASK_ENTRIES);
        if (assigned == null) {
            throw new ConnectException(FileTailSourceConfig.TASK_ENTRIES + " is missing from the task config: tasks "
                    + "run the entries their connector assigns them");
        }
        ParsedPolicy policy;
        try {
            policy = PolicyParser.parse(assigned, config.allowedPaths());
        } catch (InvalidPolicyException e) {
            throw new ConnectException(FileTailSourceConfig.TASK_ENTRIES + ": " + e.getMessage());
        }
        policy.errors().forEach(error -> log.error("Policy '{}': {}; the other entries keep running",
                config.policy(), error.message()));
        String hostName = config.hostName();
        String taskName = props.getOrDefault("name", "file-tail") + "-"
                + props.getOrDefault(FileTailSourceConnector.TASK_ID, "0");
        TailSettings settings = new TailSettings(hostName, config.allowedPaths(),
                config.getLong(FileTailSourceConfig.SCAN_INTERVAL_MS),
                config.getInt(FileTailSourceConfig.SCAN_MAX_ENTRIES),
                config.getInt(FileTailSourceConfig.FINGERPRINT_BYTES),
                config.getLong(FileTailSourceConfig.CLOSE_INACTIVE_MS),
                config.getInt(FileTailSourceConfig.MAX_OPEN_FILES),
                config.getLong(FileTailSourceConfig.CLEAN_REMOVED_MS),
                config.getBoolean(FileTailSourceConfig.WATCH_ENABLED),
                config.getLong(FileTailSourceConfig.MAX_HELD_BYTES));
        engine = new TailEngine(settings, policy.entries(), new ConnectOffsets(), new LoggingListener(),
                System::currentTimeMillis, this::newFilesAppeared);
        records = new EcsRecords(hostName, config.policy(), config.keyByFile());
        stateRecords = new StateRecords(hostName, config.policy(), config.getString(FileTailSourceConfig.STATUS_TOPIC));
        statusIntervalMs = config.getLong(FileTailSourceConfig.STATUS_INTERVAL_MS);
        statusRecords = new StatusRecords(config.getString(FileTailSourceConfig.STATUS_TOPIC), hostName,
                HostIdentity.agentId(hostName, props.getOrDefault("name", "file-tail"),
                        props.getOrDefault(FileTailSourceConnector.TASK_ID, "0")),
                Version.get(), config.policy(), hash(assigned));
        nextStatusAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(statusIntervalMs);
        metrics = TailMetrics.register(context, engine.stats(), policy.errors().size());
        readAhead = new ReadAhead<>(taskName + "-read-ahead", this::holdWhileBlocked, this::readBatch);
        log.info("Tailing entries {} of policy '{}' on host '{}' below {}",
                policy.entries().stream().map(e -> e.id()).toList(), config.policy(), hostName, config.allowedPaths());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopped) {
            return null;
        }
        return readAhead.take(config.getLong(FileTailSourceConfig.POLL_INTERVAL_MS));
    }

    /**
     * On the read-ahead thread: the next batch of records, or null after waiting up to {@code poll.interval.ms}
     * (less right after lines were read) for lines, files or bookkeeping to appear.
     */
    private List<SourceRecord> readBatch() throws InterruptedException {
        List<LogEvent> events;
        TailEngine.Bookkeeping bookkeeping;
        SourceRecord status = null;
        lock.lock();
        try {
            if (stopped) {
                return null;
            }
            newFiles = false;
            engine.stats().outputBlockedSince(0);
            events = engine.poll(config.getInt(FileTailSourceConfig.BATCH_MAX_RECORDS));
            bookkeeping = engine.bookkeeping();
            long now = System.currentTimeMillis();
            long nowNanos = System.nanoTime();
            if (statusIntervalMs > 0 && nowNanos - nextStatusAtNanos >= 0) {
                nextStatusAtNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(statusIntervalMs);
                status = statusRecords.status(engine.stats(), now, statusIntervalMs);
                warnOnceIfFallingBehind();
            }
            if (events.isEmpty() && bookkeeping.isEmpty() && status == null) {
                long longestWaitMs = config.getLong(FileTailSourceConfig.POLL_INTERVAL_MS);
                if (!newFiles) {
                    wake.await(Math.min(idleWaitMs, longestWaitMs), TimeUnit.MILLISECONDS);
                }
                idleWaitMs = Math.min(idleWaitMs * 2, longestWaitMs);
                return null;
            }
            if (!events.isEmpty()) {
                idleWaitMs = FIRST_IDLE_WAIT_MS;
            }
        } finally {
            lock.unlock();
        }
        List<SourceRecord> batch = new ArrayList<>(events.size() + bookkeeping.checkpoints().size());
        for (LogEvent event : events) {
            batch.add(records.record(event));
        }
        long now = System.currentTimeMillis();
        for (EntryCheckpoint checkpoint : bookkeeping.checkpoints()) {
            batch.add(stateRecords.checkpoint(checkpoint, now));
        }
        for (TailEngine.ExpiredFile expired : bookkeeping.expired()) {
            batch.add(stateRecords.positionDeleted(expired, now));
        }
        if (status != null) {
            batch.add(status);
        }
        return batch;
    }

    /**
     * On the read-ahead thread while Connect does not take the batch read ahead (its producer blocks while Kafka
     * is away): the engine keeps hold of the files, finding new ones at once (a directory changed) or at the scan
     * interval; and after a few seconds the output counts as blocked.
     */
    private void holdWhileBlocked(long waitingSince) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now - waitingSince >= OUTPUT_BLOCKED_AFTER_MS
                    && engine.stats().outputBlockedSinceMillis() == 0) {
                engine.stats().outputBlockedSince(waitingSince);
                log.warn("Policy '{}': Kafka has not taken lines for {} s; the agent keeps hold of every file it"
                        + " matched (renamed or deleted ones too, up to max.held.bytes) and reads them once Kafka"
                        + " is back", config.policy(), (now - waitingSince) / 1000);
            }
            long nowNanos = System.nanoTime();
            if (newFiles || nowNanos - nextHoldAtNanos >= 0) {
                newFiles = false;
                nextHoldAtNanos = nowNanos
                        + TimeUnit.MILLISECONDS.toNanos(config.getLong(FileTailSourceConfig.SCAN_INTERVAL_MS));
                engine.hold();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Says once, until it recovers, that the producer cannot keep up with the files. */
    private void warnOnceIfFallingBehind() {
        if (statusRecords.fallingBehind() && !warnedFallingBehind) {
            warnedFallingBehind = true;
            log.warn("Policy '{}': the files grew faster than Kafka took their lines for {} status intervals in a row "
                            + "({} bytes behind now) although the task read all along: the producer is the bottleneck. "
                            + "Give the connector bigger, compressed batches (producer.override.batch.size, linger.ms, "
                            + "compression.type, as the shipped agent-file-tail.json does), or look at Kafka's load",
                    config.policy(), StatusRecords.FALLING_BEHIND_INTERVALS, engine.stats().bytesBehind());
        } else if (!statusRecords.fallingBehind()) {
            warnedFallingBehind = false;
        }
    }

    /** A short hash of the entries a task runs: equal on every agent that runs the same entries. */
    private static String hash(String entries) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(entries.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** From the engine's watch thread: a file appeared, so a waiting poll should not wait out its interval. */
    private void newFilesAppeared() {
        lock.lock();
        try {
            newFiles = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        stopped = true;
        if (readAhead != null) {
            readAhead.stop();
        }
        lock.lock();
        try {
            wake.signalAll();
            if (engine != null) {
                engine.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        } finally {
            lock.unlock();
        }
        if (readAhead != null) {
            try {
                readAhead.awaitEnd(READ_AHEAD_END_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Positions and checkpoints as Connect committed them. */
    private final class ConnectOffsets implements PositionStore {
        @Override
        public Map<String, FilePosition> positions(String entryId, Collection<String> identities) {
            List<Map<String, Object>> partitions = new ArrayList<>(identities.size());
            for (String identity : identities) {
                partitions.add(EcsRecords.partition(entryId, identity));
            }
            Map<String, FilePosition> positions = new HashMap<>();
            context.offsetStorageReader().offsets(partitions).forEach((partition, offset) -> {
                if (offset != null) {
                    positions.put((String) partition.get(EcsRecords.PARTITION_FILE), EcsRecords.position(offset));
                }
            });
            return positions;
        }

        @Override
        public Optional<EntryCheckpoint> checkpoint(String entryId) {
            return StateRecords.checkpoint(entryId,
                    context.offsetStorageReader().offset(StateRecords.partition(entryId)));
        }
    }

    private final class LoggingListener implements TailListener {
        @Override
        public void fileError(String entryId, String path, String reason) {
            log.error("Entry '{}' of policy '{}': file {} {}; the other files keep running", entryId, config.policy(),
                    path, reason);
        }

        @Override
        public void fileRecovered(String entryId, String path) {
            log.info("Entry '{}' of policy '{}': {} is read again", entryId, config.policy(), path);
        }

        @Override
        public void problem(String message) {
            log.warn("Policy '{}': {}", config.policy(), message);
        }

        @Override
        public void renamed(String entryId, String fromPath, String toPath) {
            log.debug("Entry '{}': {} was renamed to {}", entryId, fromPath, toPath);
        }

        @Override
        public void lost(String entryId, String path, long bytes, long lines, String why) {
            log.warn("Entry '{}' of policy '{}': let go of {} with {} bytes ({}) not sent: {}. They are lost;"
                    + " the status record and the task's metrics count them", entryId, config.policy(), path, bytes,
                    lines < 0 ? "lines unknown" : lines + " lines", why);
        }

        @Override
        public void truncated(String entryId, String path) {
            log.info("Entry '{}': {} was truncated or replaced; reading it again from its first byte", entryId,
                    path);
        }
    }
}
