package io.logcollect.etcd.agents;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a worker says about itself under {@code /logcollect/agents/<worker-id>} (DESIGN.md section 9): written by
 * the provider with a lease, read by the policy tool and the console. Times are ISO-8601 instants.
 *
 * @param keys    every etcd key the worker served to its connectors, with the revision served and when
 * @param refused keys whose newest value the worker refused (not valid), with why; it serves the last good one
 * @param tasks   the worker's own connectors' tasks and their states, as its REST API says (refreshed at every
 *                renewal, so a FAILED task shows even when its status records cannot reach the index)
 * @param output  what the worker's tail tasks say of their output, for when Kafka cannot carry their status
 * @param updated when the worker last refreshed the value
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Registration(String id, String host, String role, String version, String started,
                           @JsonProperty("rest_url") String restUrl, Map<String, Applied> keys,
                           Map<String, Refused> refused, List<TaskState> tasks, Output output, String updated) {

    /** Where workers register: the key of a worker is this prefix and its id. */
    public static final String PREFIX = "/logcollect/agents/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Registration {
        keys = keys == null ? Map.of() : new TreeMap<>(keys);
        refused = refused == null ? Map.of() : new TreeMap<>(refused);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }

    /** A task of a connector on this worker (or the connector itself, {@code task} -1) and its state. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TaskState(String connector, int task, String state) {
        public boolean failed() {
            return "FAILED".equals(state) || "UNASSIGNED".equals(state);
        }
    }

    /**
     * The output health of the worker's tail tasks, summed (DESIGN.md sections 4 and 9).
     *
     * @param blockedSince since when Kafka has not taken their lines (the earliest task's), or null while it does
     * @param heldBytes    unread bytes of renamed or deleted files they hold open
     * @param lostBytes    bytes they had to let go unread since they started
     * @param lostLines    lines among them, where they could be counted
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(@JsonProperty("output_blocked_since") String blockedSince,
                         @JsonProperty("held_bytes") long heldBytes, @JsonProperty("lost_bytes") long lostBytes,
                         @JsonProperty("lost_lines") long lostLines) {
    }

    /** A key served to connectors. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Applied(@JsonProperty("mod_revision") long modRevision, String applied) {
    }

    /** A value refused. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Refused(@JsonProperty("mod_revision") long modRevision, String problem) {
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registration always serializes", e);
        }
    }

    /** The registration in a registry value; empty when the value is not one (written by something else). */
    public static Optional<Registration> parse(String json) {
        try {
            Registration registration = MAPPER.readValue(json, Registration.class);
            return registration.id() == null ? Optional.empty() : Optional.of(registration);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
