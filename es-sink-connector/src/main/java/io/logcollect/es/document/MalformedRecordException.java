package io.logcollect.es.document;

/** A record whose value cannot become a document; handled per {@code behavior.on.malformed.documents}. */
public final class MalformedRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
