package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.search.client.EngineInfo;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The points in time the console opens for paging (where the engine has them: Elasticsearch 7.10+, OpenSearch
 * 2.4+). Only those it opened are searched in: a point in time names its own indices, so one from a URL could read
 * any index the console's credentials can. And a viewer's session holds one at a time: paging in a new one closes
 * the one before, instead of leaving every search's point in time open on the engine until its keep-alive ends.
 */
final class PointsInTime {

    /** How long the engine keeps a point in time after its last use. */
    static final String KEEP_ALIVE = "5m";
    private static final Duration KEEP_ALIVE_DURATION = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(PointsInTime.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;
    private final String index;
    private final Supplier<Optional<EngineInfo>> engine;
    private final Clock clock;
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Map<String, String> bySession = new ConcurrentHashMap<>();

    PointsInTime(RestClient client, String index, Supplier<Optional<EngineInfo>> engine, Clock clock) {
        this.client = client;
        this.index = index;
        this.engine = engine;
        this.clock = clock;
    }

    /** {@code id}, when this console opened it and it has not expired; then kept alive as the engine keeps it. */
    Optional<String> ours(String id) {
        Instant now = clock.instant();
        expiries.values().removeIf(expiry -> expiry.isBefore(now));
        if (!expiries.containsKey(id)) {
            return Optional.empty();
        }
        expiries.put(id, now.plus(KEEP_ALIVE_DURATION));
        return Optional.of(id);
    }

    /** A new point in time over the log indices; empty where the engine has none or refuses one. */
    Optional<String> open() {
        Optional<EngineInfo.PointInTime> kind = engine.get().flatMap(EngineInfo::pointInTime);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        try {
            Request request = new Request("POST", "/" + index + "/" + kind.get().path());
            request.addParameter("keep_alive", KEEP_ALIVE);
            request.addParameter("ignore_unavailable", "true");
            request.addParameter("allow_no_indices", "true");
            JsonNode id = SearchRequests.read(client.performRequest(request)).path(kind.get().idField());
            return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The session {@code session} pages in {@code id} now (the one it opened, or the one the engine answered
     * with); the one it paged in before is closed.
     */
    void use(String session, String id) {
        expiries.put(id, clock.instant().plus(KEEP_ALIVE_DURATION));
        String previous = bySession.put(session, id);
        if (previous != null && !previous.equals(id)) {
            expiries.remove(previous);
            close(previous);
        }
    }

    /** Closes a point in time; one the engine already forgot is no error. */
    void close(String id) {
        Optional<EngineInfo.PointInTime> kind = engine.get().flatMap(EngineInfo::pointInTime);
        if (kind.isEmpty()) {
            return;
        }
        ObjectNode body = MAPPER.createObjectNode();
        if (kind.get().idField().equals("pit_id")) {
            body.putArray("pit_id").add(id);
        } else {
            body.put("id", id);
        }
        Request request = new Request("DELETE", "/" + kind.get().path());
        request.setJsonEntity(body.toString());
        try {
            client.performRequest(request);
        } catch (IOException e) {
            log.debug("point in time not closed (it ends with its keep-alive): {}", e.toString());
        }
    }
}
