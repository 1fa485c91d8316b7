package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest status record of one tail task (DESIGN.md section 9, {@code logcollect.status.*}).
 *
 * @param linesPerSecond lines read in the interval before the record, per second
 */
public record TaskStatus(String task, String host, String version, Instant time, String policy, long filesTracked,
                         long filesOpen, long filesFailing, long bytesBehind, boolean fallingBehind,
                         double linesPerSecond, long errors, String lastError, List<FileLag> mostBehind) {

    /** A file and how many bytes of it are not read yet. */
    public record FileLag(String path, long bytes) {
    }

    static TaskStatus of(JsonNode source) {
        JsonNode status = source.path("logcollect").path("status");
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
        return new TaskStatus(source.path("agent").path("id").asText(""), source.path("host").path("name").asText(""),
                source.path("agent").path("version").asText(""), time, status.path("policy").asText(""),
                status.path("files").path("tracked").asLong(), status.path("files").path("open").asLong(),
                status.path("files").path("failing").asLong(), status.path("bytes_behind").asLong(),
                status.path("falling_behind").asBoolean(), status.path("lines").asLong() * 1000.0 / interval,
                status.path("errors").path("count").asLong(), status.path("errors").path("last").asText(""),
                lags);
    }
}
