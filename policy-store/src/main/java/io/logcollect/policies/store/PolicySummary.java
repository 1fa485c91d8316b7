package io.logcollect.policies.store;

import java.util.Optional;

/**
 * A policy as listed: its current revision, how many entries it has and its last recorded change.
 *
 * @param name        the policy's name
 * @param modRevision the {@code mod_revision} of its entries
 * @param entryCount  entries in the document; empty when it is not a JSON array (written by hand)
 * @param lastChange  the newest history record; empty when the policy was written without the store
 *                    (etcdctl), or its record is for an older revision
 */
public record PolicySummary(String name, long modRevision, Optional<Integer> entryCount,
                            Optional<Revision> lastChange) {
}
