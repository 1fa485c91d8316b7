package io.logcollect.tail.record;

import io.logcollect.tail.engine.TailStats;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task's health every {@code status.interval.ms} (DESIGN.md section 9), as a record of the status topic:
 * files tracked, open and failing, bytes behind and the files most behind, what was read since the previous
 * status, errors with the last one, a hash of the entries the task runs, the unread bytes of orphaned files held
 * open, and what the task had to let go unread since it started ({@code lost}: bytes, lines, the latest files). Its JSON value uses ECS's common
 * fields and {@code logcollect.status.*}; it carries no source offset, so it never holds back a file's.
 */
public final class StatusRecords {

    private final String topic;
    private final String hostName;
    private final String agentId;
    private final String version;
    private final String policy;
    private final String entriesHash;
    /** After this many status intervals of growing backlog while lines were read, the task is falling behind. */
    public static final int FALLING_BEHIND_INTERVALS = 6;

    private long lines;
    private long bytes;
    private long events;
    private long lastBehind = -1;
    private int growing;

    public StatusRecords(String topic, String hostName, String agentId, String version, String policy,
                         String entriesHash) {
        this.topic = topic;
        this.hostName = hostName;
        this.agentId = agentId;
        this.version = version;
        this.policy = policy;
        this.entriesHash = entriesHash;
    }

    /**
     * Whether the backlog grew at each of the last {@value #FALLING_BEHIND_INTERVALS} statuses although lines
     * were read all along: the task reads as fast as Kafka takes its records, and that is not fast enough.
     */
    public boolean fallingBehind() {
        return growing >= FALLING_BEHIND_INTERVALS;
    }

    /** The status now; counts since the previous call. */
    public SourceRecord status(TailStats stats, long nowMillis, long intervalMillis) {
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("tracked", stats.filesTracked());
        files.put("open", stats.filesOpen());
        files.put("failing", stats.filesFailing());
        List<Map<String, Object>> mostBehind = new ArrayList<>();
        for (TailStats.FileLag lag : stats.mostBehind()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", lag.path());
            file.put("bytes", lag.bytes());
            mostBehind.add(file);
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("count", stats.errors());
        if (stats.lastError() != null) {
            errors.put("last", stats.lastError());
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("policy", policy);
        status.put("entries_hash", entriesHash);
        status.put("interval_ms", intervalMillis);
        status.put("files", files);
        long behind = stats.bytesBehind();
        long linesRead = stats.lines() - lines;
        growing = lastBehind >= 0 && behind > lastBehind && linesRead > 0 ? growing + 1 : 0;
        lastBehind = behind;
        status.put("bytes_behind", behind);
        status.put("falling_behind", fallingBehind());
        status.put("most_behind", mostBehind);
        status.put("lines", linesRead);
        status.put("bytes", stats.bytes() - bytes);
        status.put("records", stats.events() - events);
        status.put("errors", errors);
        status.put("held_bytes", stats.heldBytes());
        Map<String, Object> lost = new LinkedHashMap<>();
        lost.put("bytes", stats.lostBytes());
        lost.put("lines", stats.lostLines());
        List<Map<String, Object>> lostFiles = new ArrayList<>();
        for (TailStats.FileLoss loss : stats.recentLosses()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", loss.path());
            file.put("bytes", loss.bytes());
            file.put("lines", loss.lines());
            file.put("at", EcsRecords.formatTimestamp(loss.atMillis()));
            lostFiles.add(file);
        }
        lost.put("files", lostFiles);
        status.put("lost", lost);
        if (stats.outputBlockedSinceMillis() > 0) {
            status.put("output_blocked_since", EcsRecords.formatTimestamp(stats.outputBlockedSinceMillis()));
        }
        lines = stats.lines();
        bytes = stats.bytes();
        events = stats.events();

        Map<String, Object> value = new LinkedHashMap<>();
        value.put("@timestamp", EcsRecords.formatTimestamp(nowMillis));
        value.put("host", Map.of("name", hostName));
        value.put("agent", Map.of("id", agentId, "type", "logcollect", "version", version));
        value.put("event", Map.of("kind", "metric", "dataset", "logcollect.status"));
        value.put("metricset", Map.of("name", "logcollect"));
        value.put("logcollect", Map.of("status", status));
        return new SourceRecord(null, null, topic, null, null, hostName + "/" + agentId, null, value, nowMillis);
    }
}
