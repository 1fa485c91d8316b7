package io.logcollect.policies.store;

import java.util.Optional;

/** What became of a change: saved, refused as invalid, or refused because the policy changed meanwhile. */
public sealed interface SaveOutcome {

    /** The change is in etcd at {@code revision}, with its history record. */
    record Saved(long revision) implements SaveOutcome {
    }

    /** The new document is not valid; nothing was written. */
    record Invalid(Validation validation) implements SaveOutcome {
    }

    /**
     * Someone else changed the policy since it was read at {@code expectedRevision}; nothing was written.
     *
     * @param currentRevision the policy's revision now; 0 when it does not exist
     * @param currentEntries  its document now; empty when it does not exist
     */
    record Conflict(long expectedRevision, long currentRevision, Optional<String> currentEntries)
            implements SaveOutcome {
    }
}
