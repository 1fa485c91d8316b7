package io.logcollect.es.bulk;

/**
 * The final outcome of an item, reported once to the {@link BulkListener}.
 *
 * @param kind    what happened
 * @param summary for failures, what kind of error it was (status and error type), safe to log: it never holds
 *                document content; null when acknowledged
 * @param detail  for failures, everything the engine (or the connection) said, which can quote field values:
 *                for the dead-letter queue, never for logs; null when acknowledged
 */
public record Outcome(Kind kind, String summary, String detail) {

    /** Final outcomes. */
    public enum Kind {
        /** Indexed (or deleted), or already there: a 409 on create, a 404 on delete. */
        ACKNOWLEDGED,
        /** Refused for its content (400 mapping or parse error, too large): retrying cannot help. */
        MALFORMED,
        /** Cannot be delivered: retries exhausted, or an error no retry can fix (authentication, permission). */
        FATAL
    }

    public static final Outcome ACKNOWLEDGED = new Outcome(Kind.ACKNOWLEDGED, null, null);

    public static Outcome malformed(String summary, String detail) {
        return new Outcome(Kind.MALFORMED, summary, detail);
    }

    public static Outcome fatal(String summary, String detail) {
        return new Outcome(Kind.FATAL, summary, detail);
    }

    /** A failure whose whole description is safe to log (it quotes no document). */
    public static Outcome fatal(String summary) {
        return new Outcome(Kind.FATAL, summary, summary);
    }
}
