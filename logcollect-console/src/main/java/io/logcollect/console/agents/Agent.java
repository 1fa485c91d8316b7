package io.logcollect.console.agents;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One host's agent as the agents page shows it.
 *
 * @param online   registered in etcd now (its lease is alive)
 * @param workers  the ids of its registered workers
 * @param lastSeen the newest status record's time
 * @param policies every policy key it serves, with the revision applied and the current one
 * @param tasks    the newest status of each of its tail tasks
 */
public record Agent(String host, boolean online, List<String> workers, String role, String version,
                    Optional<Instant> lastSeen, List<PolicyRevision> policies, List<TaskStatus> tasks) {

    /** A policy on this agent: the revision it applied against the current one. */
    public record PolicyRevision(String policy, long applied, long current, Optional<String> refused) {
        public boolean upToDate() {
            return applied >= current;
        }
    }

    public long filesTracked() {
        return tasks.stream().mapToLong(TaskStatus::filesTracked).sum();
    }

    public long bytesBehind() {
        return tasks.stream().mapToLong(TaskStatus::bytesBehind).sum();
    }

    public double linesPerSecond() {
        return tasks.stream().mapToDouble(TaskStatus::linesPerSecond).sum();
    }

    public long errors() {
        return tasks.stream().mapToLong(TaskStatus::errors).sum();
    }

    /** The last error message of any task, if one has one. */
    public String lastError() {
        return tasks.stream().map(TaskStatus::lastError).filter(e -> !e.isEmpty()).findFirst().orElse("");
    }

    public boolean fallingBehind() {
        return tasks.stream().anyMatch(TaskStatus::fallingBehind);
    }
}
