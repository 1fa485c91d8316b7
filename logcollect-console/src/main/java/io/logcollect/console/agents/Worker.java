package io.logcollect.console.agents;

import io.logcollect.etcd.agents.Registration;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One Connect worker of a host's agent.
 *
 * @param registration its registry entry while its lease lives
 * @param statuses     the newest status record of each of its tasks (tail and sink)
 * @param lastSeen     when it was last known alive: now while registered, else its newest record or registry write
 */
public record Worker(String id, AgentState state, Optional<Registration> registration, List<TaskStatus> statuses,
                     Optional<Instant> lastSeen) {

    static Worker registered(Registration registration, List<TaskStatus> statuses, Instant now) {
        AgentState state = AgentState.ONLINE;
        if (registration.tasks().stream().anyMatch(Registration.TaskState::failed)) {
            state = AgentState.FAILED;
        } else if (registration.output() != null && registration.output().blockedSince() != null) {
            state = AgentState.OUTPUT_BLOCKED;
        } else if (stale(registration, statuses, now)) {
            state = AgentState.STALE;
        }
        return new Worker(registration.id(), state, Optional.of(registration), statuses, Optional.of(now));
    }

    /**
     * A task the worker runs now whose newest status is old; when the entry lists no task (the worker's REST API did
     * not answer), the newest status of any. A task no longer running (its connector deleted) does not count.
     */
    private static boolean stale(Registration registration, List<TaskStatus> statuses, Instant now) {
        if (registration.tasks().isEmpty()) {
            return statuses.stream().map(TaskStatus::time).max(Comparator.naturalOrder())
                    .map(newest -> statuses.stream().filter(s -> s.time().equals(newest)).allMatch(s -> s.staleAt(now)))
                    .orElse(false);
        }
        Set<String> running = new HashSet<>();
        registration.tasks().stream().filter(t -> "RUNNING".equals(t.state()))
                .forEach(t -> running.add(registration.id() + "/" + t.connector() + "-" + t.task()));
        return statuses.stream().anyMatch(s -> running.contains(s.task()) && s.staleAt(now));
    }

    static Worker offline(String id, List<TaskStatus> statuses, Optional<Instant> lastSeen) {
        Optional<Instant> newest = statuses.stream().map(TaskStatus::time).max(Comparator.naturalOrder());
        return new Worker(id, AgentState.OFFLINE, Optional.empty(), statuses, AgentDirectory.latest(newest, lastSeen));
    }

    /** The worker's tasks that are FAILED or UNASSIGNED, as {@code connector-task}. */
    public List<String> failedTasks() {
        return registration.map(r -> r.tasks().stream().filter(Registration.TaskState::failed)
                .map(t -> t.connector() + (t.task() < 0 ? "" : "-" + t.task()) + " " + t.state()).toList())
                .orElse(List.of());
    }

    /** Since when Kafka has not taken its tail tasks' lines, per its registry entry. */
    public Optional<String> outputBlockedSince() {
        return registration.map(Registration::output).map(Registration.Output::blockedSince);
    }
}
