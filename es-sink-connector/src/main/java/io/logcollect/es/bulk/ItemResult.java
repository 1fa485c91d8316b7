package io.logcollect.es.bulk;

/**
 * What the engine answered for one item of a bulk request.
 *
 * @param status    the item's HTTP status
 * @param errorType the error type (e.g. {@code mapper_parsing_exception}), or null
 * @param reason    the error reason, with its cause's reason when there is one, or null
 */
public record ItemResult(int status, String errorType, String reason) {

    public boolean hasError() {
        return errorType != null || status >= 300;
    }

    /** Status and error type only, safe to log: an error's reason can quote the document's field values. */
    public String summary() {
        return errorType == null ? "HTTP " + status : "HTTP " + status + " " + errorType;
    }

    /** Everything the engine said, reason included, for dead-letter headers (never for logs). */
    public String describe() {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (errorType != null) {
            text.append(' ').append(errorType);
        }
        if (reason != null) {
            text.append(": ").append(reason);
        }
        return text.toString();
    }
}
