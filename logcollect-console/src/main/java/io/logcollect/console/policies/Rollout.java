package io.logcollect.console.policies;

import io.logcollect.etcd.agents.Registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How far a policy's current revision has reached: every worker online that serves the policy's key, with the
 * revision it applied (from the registry, DESIGN.md section 9).
 */
public record Rollout(long currentRevision, List<AgentRevision> agents) {

    /** One worker's view of the policy. */
    public record AgentRevision(String id, String host, long appliedRevision, String appliedAt,
                                Optional<String> refused) {
        public boolean current(long revision) {
            return appliedRevision >= revision;
        }
    }

    public static Rollout of(String entriesKey, long currentRevision, List<Registration> registrations) {
        List<AgentRevision> agents = new ArrayList<>();
        for (Registration registration : registrations) {
            Registration.Applied applied = registration.keys().get(entriesKey);
            if (applied == null) {
                continue;
            }
            Optional<String> refused = Optional.ofNullable(registration.refused().get(entriesKey))
                    .map(r -> "revision " + r.modRevision() + " refused: " + r.problem());
            agents.add(new AgentRevision(registration.id(), registration.host(), applied.modRevision(),
                    applied.applied() == null ? "" : applied.applied(), refused));
        }
        return new Rollout(currentRevision, agents);
    }

    public long upToDate() {
        return agents.stream().filter(a -> a.current(currentRevision)).count();
    }

    /** e.g. {@code 47 of 50 agents on revision 812}; {@code no agent runs it} when none does. */
    public String summary() {
        if (agents.isEmpty()) {
            return "no agent online runs it";
        }
        return upToDate() + " of " + agents.size() + " agent" + (agents.size() == 1 ? "" : "s") + " on revision "
                + currentRevision;
    }
}
