package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest status record of one task (DESIGN.md section 9): a tail task's {@code logcollect.status.*}, or a sink
 * task's ledger ({@code event.dataset: logcollect.sink}), which counts only for its worker's freshness.
 *
 * @param task           {@code agent.id}: the worker id, the connector and the task
 * @param linesPerSecond lines read in the interval before the record, per second
 * @param interval       how often the task writes a status record
 * @param lostLines      lines the task had to let go unread since it started (DESIGN.md section 4)
 */
public record TaskStatus(String task, String host, String dataset, String version, Instant time, Duration interval,
                         String policy, long filesTracked, long filesOpen, long filesFailing, long bytesBehind,
                         boolean fallingBehind, double linesPerSecond, long errors, String lastError, long lostLines,
                         long lostBytes, List<FileLag> mostBehind) {

    /** The dataset of a tail task's status record. */
    public static final String TAIL = "logcollect.status";
    /** How many status intervals may pass without a record before the task counts as stale. */
    static final int INTERVALS_BEFORE_STALE = 3;

    /** A file and how many bytes of it are not read yet. */
    public record FileLag(String path, long bytes) {
    }

    /** The worker that runs the task: {@code agent.id} up to its first {@code /}. */
    public String workerId() {
        int slash = task.indexOf('/');
        return slash < 0 ? "" : task.substring(0, slash);
    }

    public boolean tail() {
        return TAIL.equals(dataset);
    }

    /** No record for {@value #INTERVALS_BEFORE_STALE} of the task's intervals. */
    public boolean staleAt(Instant now) {
        return time.plus(interval.multipliedBy(INTERVALS_BEFORE_STALE)).isBefore(now);
    }

    static TaskStatus of(JsonNode source) {
        String dataset = source.path("event").path("dataset").asText(TAIL);
        JsonNode status = source.path("logcollect").path(TAIL.equals(dataset) ? "status" : "sink");
        List<FileLag> lags = new ArrayList<>();
        for (JsonNode file : status.path("most_behind")) {
            lags.add(new FileLag(file.path("path").asText(""), file.path("bytes").asLong()));
        }
        long interval = Math.max(1, status.path("interval_ms").asLong(10_000));
        Instant time;
        try {
            time = Instant.parse(source.path("@timestamp").asText());
        } catch (DateTimeParseException e) {
            time = Instant.EPOCH;
        }
        JsonNode lost = status.path("lost");
        return new TaskStatus(source.path("agent").path("id").asText(""), source.path("host").path("name").asText(""),
                dataset, source.path("agent").path("version").asText(""), time, Duration.ofMillis(interval),
                status.path("policy").asText(""), status.path("files").path("tracked").asLong(),
                status.path("files").path("open").asLong(), status.path("files").path("failing").asLong(),
                status.path("bytes_behind").asLong(), status.path("falling_behind").asBoolean(),
                status.path("lines").asLong() * 1000.0 / interval, status.path("errors").path("count").asLong(),
                status.path("errors").path("last").asText(""), lost.path("lines").asLong(),
                lost.path("bytes").asLong(), lags);
    }
}
