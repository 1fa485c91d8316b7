package io.logcollect.policies.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Who makes a change, when and why: recorded with every revision of a policy.
 *
 * @param author  the operator (a console user, or user@host for the command-line tool)
 * @param comment why; may be empty
 * @param time    when the change was made
 */
public record Change(String author, String comment, Instant time) {

    public Change {
        Objects.requireNonNull(author, "author");
        comment = comment == null ? "" : comment;
        Objects.requireNonNull(time, "time");
    }

    public static Change now(String author, String comment) {
        return new Change(author, comment, Instant.now());
    }
}
