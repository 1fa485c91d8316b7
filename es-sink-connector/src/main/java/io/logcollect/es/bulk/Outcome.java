package io.logcollect.es.bulk;

/**
 * The final outcome of an item, reported once to the {@link BulkListener}.
 *
 * @param kind   what happened
 * @param detail for failures, what the engine (or the connection) said; null when acknowledged
 */
public record Outcome(Kind kind, String detail) {

    /** Final outcomes. */
    public enum Kind {
        /** Indexed (or deleted), or already there: a 409 on create, a 404 on delete. */
        ACKNOWLEDGED,
        /** Refused for its content (400 mapping or parse error): retrying cannot help. */
        MALFORMED,
        /** Cannot be delivered: retries exhausted, or an error no retry can fix (authentication, permission). */
        FATAL
    }

    public static final Outcome ACKNOWLEDGED = new Outcome(Kind.ACKNOWLEDGED, null);

    public static Outcome malformed(String detail) {
        return new Outcome(Kind.MALFORMED, detail);
    }

    public static Outcome fatal(String detail) {
        return new Outcome(Kind.FATAL, detail);
    }
}
