package io.logcollect.policy;

import java.util.List;

/**
 * The result of parsing a policy: the valid entries, and one error per refused entry.
 *
 * @param entries valid entries, in document order
 * @param errors  refused entries, in document order
 */
public record ParsedPolicy(List<CollectionEntry> entries, List<EntryError> errors) {

    public ParsedPolicy {
        entries = List.copyOf(entries);
        errors = List.copyOf(errors);
    }
}
