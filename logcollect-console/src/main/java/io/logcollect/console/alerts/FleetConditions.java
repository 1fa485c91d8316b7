package io.logcollect.console.alerts;

import io.logcollect.console.agents.Agent;
import io.logcollect.console.agents.AgentState;
import io.logcollect.console.agents.Worker;
import io.logcollect.console.pipeline.SinkBacklog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Which rules' conditions hold now, from the agents (registry, known hosts, status records) and the sink's backlog. */
final class FleetConditions {

    private FleetConditions() {
    }

    static List<Condition> of(List<Agent> agents, Optional<SinkBacklog.Backlog> backlog, AlertBook book,
                              AlertSettings settings, Instant now) {
        List<Condition> conditions = new ArrayList<>();
        Set<String> counters = new HashSet<>();
        Map<String, int[]> rollouts = new TreeMap<>();
        for (Agent agent : agents) {
            String host = agent.host();
            if (agent.state() == AgentState.OFFLINE) {
                conditions.add(new Condition(AlertRule.AGENT_OFFLINE, host, "no worker registered"
                        + agent.lastSeen().map(seen -> ", last seen " + seen).orElse("")));
                continue;
            }
            for (Worker worker : agent.workers()) {
                String subject = host + " " + worker.id();
                if (!worker.failedTasks().isEmpty()) {
                    conditions.add(new Condition(AlertRule.TASK_FAILED, subject, String.join(", ",
                            worker.failedTasks())));
                }
                if (worker.state() == AgentState.STALE) {
                    conditions.add(new Condition(AlertRule.STATUS_STALE, subject, "newest status "
                            + worker.statuses().stream().map(s -> s.time().toString()).max(String::compareTo)
                            .orElse("none")));
                }
                worker.outputBlockedSince().ifPresent(since -> conditions.add(new Condition(
                        AlertRule.OUTPUT_BLOCKED, subject, "Kafka has not taken its lines since " + since)));
                if (worker.state() == AgentState.OFFLINE) {
                    conditions.add(new Condition(AlertRule.AGENT_OFFLINE, subject, "worker no longer registered"
                            + worker.lastSeen().map(seen -> ", last seen " + seen).orElse("")));
                }
            }
            String lostKey = AlertRule.LINES_LOST.key() + "|" + host;
            counters.add(lostKey);
            if (book.grewWithin(lostKey, agent.lostLines(), now,
                    Duration.ofMinutes(settings.threshold(AlertRule.LINES_LOST)))) {
                conditions.add(new Condition(AlertRule.LINES_LOST, host, agent.lostLines()
                        + " lines let go unread since its tasks started"));
            }
            long behind = settings.threshold(AlertRule.FALLING_BEHIND);
            if (agent.fallingBehind() || agent.bytesBehind() > behind) {
                conditions.add(new Condition(AlertRule.FALLING_BEHIND, host, agent.bytesBehind() + " bytes behind"
                        + (agent.fallingBehind() ? ", and growing" : "")));
            }
            for (Agent.PolicyRevision policy : agent.policies()) {
                int[] counts = rollouts.computeIfAbsent(policy.policy(), p -> new int[]{0, 0, 0});
                counts[0]++;
                counts[1] += policy.upToDate() ? 1 : 0;
                counts[2] = (int) Math.max(counts[2], policy.current());
            }
        }
        rollouts.forEach((policy, counts) -> {
            if (counts[1] < counts[0]) {
                conditions.add(new Condition(AlertRule.ROLLOUT_INCOMPLETE, policy, counts[1] + " of " + counts[0]
                        + " agents on revision " + counts[2]));
            }
        });
        backlog.ifPresent(sink -> {
            long lag = sink.lagByTopic().values().stream().mapToLong(Long::longValue).sum();
            if (lag > settings.threshold(AlertRule.SINK_LAG)) {
                conditions.add(new Condition(AlertRule.SINK_LAG, sink.group(), lag + " records not indexed yet "
                        + sink.lagByTopic()));
            }
            String deadKey = AlertRule.DEAD_LETTERS.key() + "|" + sink.group();
            counters.add(deadKey);
            if (book.grewWithin(deadKey, sink.deadLetters(), now,
                    Duration.ofMinutes(settings.threshold(AlertRule.DEAD_LETTERS)))) {
                conditions.add(new Condition(AlertRule.DEAD_LETTERS, sink.group(), sink.deadLetters()
                        + " records in the dead-letter queue"));
            }
        });
        book.keepCounters(counters);
        return conditions;
    }
}
