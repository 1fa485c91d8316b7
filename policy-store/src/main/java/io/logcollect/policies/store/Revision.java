package io.logcollect.policies.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One revision of a policy from its history (DESIGN.md section 10).
 *
 * @param revision   the {@code mod_revision} the policy's entries got with this change
 * @param entries    the entries as saved (compact JSON); empty when the change deleted the policy
 * @param author     who made the change
 * @param time       when
 * @param comment    why; may be empty
 * @param rollbackOf the revision this change restored, when it was a rollback
 */
public record Revision(long revision, Optional<String> entries, String author, Instant time, String comment,
                       Optional<Long> rollbackOf) {

    public boolean deletion() {
        return entries.isEmpty();
    }
}
