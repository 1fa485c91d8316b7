package io.logcollect.console.alerts;

import java.time.Duration;
import java.util.Locale;

/**
 * What the console alerts on (DESIGN.md section 10), each with how long its condition must hold before it fires
 * ({@code for}) and, where it has one, a threshold. Both can be set per rule.
 */
public enum AlertRule {
    AGENT_OFFLINE("a host has no registered worker", Duration.ofSeconds(60), 0),
    TASK_FAILED("a task of an agent is FAILED or UNASSIGNED", Duration.ZERO, 0),
    STATUS_STALE("an agent's newest status is older than three status intervals", Duration.ofSeconds(60), 0),
    OUTPUT_BLOCKED("Kafka does not take an agent's lines", Duration.ofSeconds(60), 0),
    /** Fires when an agent's count of lines let go unread grew within the threshold's minutes. */
    LINES_LOST("an agent let lines go unread (a holding bound, DESIGN.md section 4)", Duration.ZERO, 15),
    /** Threshold: bytes behind. */
    FALLING_BEHIND("an agent falls behind its files", Duration.ofMinutes(5), 1L << 30),
    /** Threshold: records not yet indexed. */
    SINK_LAG("the sink is behind its topics", Duration.ofMinutes(5), 1_000_000),
    /** Fires when the dead-letter queue grew within the threshold's minutes. */
    DEAD_LETTERS("new records in the dead-letter queue", Duration.ZERO, 15),
    ROLLOUT_INCOMPLETE("a policy's current revision has not reached every online agent", Duration.ofMinutes(5), 0);

    private final String description;
    private final Duration defaultFor;
    private final long defaultThreshold;

    AlertRule(String description, Duration defaultFor, long defaultThreshold) {
        this.description = description;
        this.defaultFor = defaultFor;
        this.defaultThreshold = defaultThreshold;
    }

    /** The rule's name in settings, notifications and etcd: {@code agent_offline}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    public Duration defaultFor() {
        return defaultFor;
    }

    public long defaultThreshold() {
        return defaultThreshold;
    }

    public static AlertRule ofKey(String key) {
        for (AlertRule rule : values()) {
            if (rule.key().equals(key)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("unknown alert rule '" + key + "' (one of agent_offline, task_failed,"
                + " status_stale, output_blocked, lines_lost, falling_behind, sink_lag, dead_letters,"
                + " rollout_incomplete)");
    }
}
