package io.logcollect.policies.store;

import io.logcollect.policy.EntryError;

import java.util.List;
import java.util.Optional;

/**
 * What the agents' own parser says about a policy document.
 *
 * @param documentError why no entry of the document can run (not JSON, not an array); empty when it parsed
 * @param entryErrors   one per refused entry, in document order
 * @param validEntries  how many entries would run
 */
public record Validation(Optional<String> documentError, List<EntryError> entryErrors, int validEntries) {

    public Validation {
        entryErrors = List.copyOf(entryErrors);
    }

    public boolean valid() {
        return documentError.isEmpty() && entryErrors.isEmpty();
    }

    /** Every problem, one per line, each naming the entry at fault. */
    public List<String> messages() {
        return documentError.map(List::of).orElseGet(() -> entryErrors.stream().map(EntryError::message).toList());
    }
}
