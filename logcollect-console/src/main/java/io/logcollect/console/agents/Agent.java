package io.logcollect.console.agents;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One host's agent as the agents page shows it.
 *
 * @param state    the most urgent state of its workers; offline when none is registered
 * @param workers  its workers, registered now or known from before
 * @param lastSeen when it was last known alive (now while a worker is registered)
 * @param policies every policy key it serves, with the revision applied and the current one
 */
public record Agent(String host, AgentState state, List<Worker> workers, String role, String version,
                    Optional<Instant> lastSeen, List<PolicyRevision> policies) {

    /** A policy on this agent: the revision it applied against the current one. */
    public record PolicyRevision(String policy, long applied, long current, Optional<String> refused) {
        public boolean upToDate() {
            return applied >= current;
        }
    }

    public boolean online() {
        return state != AgentState.OFFLINE;
    }

    /** The newest status of each of its tail tasks. */
    public List<TaskStatus> tasks() {
        return workers.stream().flatMap(w -> w.statuses().stream()).filter(TaskStatus::tail).toList();
    }

    public List<String> workerIds() {
        return workers.stream().map(Worker::id).toList();
    }

    /** Its workers' tasks that are FAILED or UNASSIGNED. */
    public List<String> failedTasks() {
        return workers.stream().flatMap(w -> w.failedTasks().stream()).toList();
    }

    /** The earliest time since which one of its workers cannot hand lines to Kafka. */
    public Optional<String> outputBlockedSince() {
        return workers.stream().flatMap(w -> w.outputBlockedSince().stream()).min(String::compareTo);
    }

    public long filesTracked() {
        return tasks().stream().mapToLong(TaskStatus::filesTracked).sum();
    }

    public long bytesBehind() {
        return tasks().stream().mapToLong(TaskStatus::bytesBehind).sum();
    }

    public double linesPerSecond() {
        return tasks().stream().mapToDouble(TaskStatus::linesPerSecond).sum();
    }

    public long errors() {
        return tasks().stream().mapToLong(TaskStatus::errors).sum();
    }

    /** Lines its tail tasks had to let go unread (DESIGN.md section 4), as their newest records say. */
    public long lostLines() {
        return tasks().stream().mapToLong(TaskStatus::lostLines).sum();
    }

    /** The last error message of any task, if one has one. */
    public String lastError() {
        return tasks().stream().map(TaskStatus::lastError).filter(e -> !e.isEmpty()).findFirst().orElse("");
    }

    public boolean fallingBehind() {
        return tasks().stream().anyMatch(TaskStatus::fallingBehind);
    }
}
