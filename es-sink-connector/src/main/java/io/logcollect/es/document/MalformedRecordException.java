package io.logcollect.es.document;

/**
 * A record whose value cannot become a document; handled per {@code behavior.on.malformed.documents}. Its
 * message is everything known, which can quote the value (for the dead-letter queue); its {@link #summary()}
 * names the record and the problem only (for logs).
 */
public final class MalformedRecordException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String summary;

    public MalformedRecordException(String message) {
        super(message);
        this.summary = message;
    }

    public MalformedRecordException(String summary, String detail, Throwable cause) {
        super(detail, cause);
        this.summary = summary;
    }

    /** What is wrong, without quoting the value: safe to log. */
    public String summary() {
        return summary;
    }
}
