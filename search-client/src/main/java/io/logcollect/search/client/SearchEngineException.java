package io.logcollect.search.client;

/** The search engine answered in a way no retry can fix (authentication, permission, bad request). */
public final class SearchEngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public SearchEngineException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was none. */
    public int status() {
        return status;
    }
}
