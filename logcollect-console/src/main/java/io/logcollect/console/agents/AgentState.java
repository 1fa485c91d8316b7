package io.logcollect.console.agents;

import java.util.Locale;

/**
 * What the console says of a worker or a host (DESIGN.md section 9), from the least to the most urgent: a host
 * takes the most urgent state of its workers.
 */
public enum AgentState {
    /** Registered, and a status record within three status intervals (or no task that writes one). */
    ONLINE("online"),
    /** Registered, but its newest status record is older than three status intervals: its numbers are old. */
    STALE("stale"),
    /** Registered; its tail tasks cannot hand lines to Kafka (the registry says since when). */
    OUTPUT_BLOCKED("output blocked"),
    /** Not registered (its lease expired): shown with when it was last seen until an admin forgets the host. */
    OFFLINE("offline"),
    /** Registered, and one of its tasks is FAILED or UNASSIGNED. */
    FAILED("failed");

    private final String label;

    AgentState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The name used in a page's class and in the {@code state} filter. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public AgentState worse(AgentState other) {
        return other.compareTo(this) > 0 ? other : this;
    }

    /** The state a filter names ({@code online}, {@code output-blocked}, ...), or null. */
    public static AgentState ofKey(String key) {
        for (AgentState state : values()) {
            if (state.key().equals(key)) {
                return state;
            }
        }
        return null;
    }
}
