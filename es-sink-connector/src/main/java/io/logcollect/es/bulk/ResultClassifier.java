package io.logcollect.es.bulk;

/**
 * Sorts per-item and whole-request results into acknowledged, retriable, malformed and fatal (DESIGN.md
 * section 4): 429, 5xx, 408 and connection failures are transient; a 409 on {@code create} means the document
 * with that id is already indexed (the sink uses create only with ids that name one line for good); a 409 on
 * any other action is a version conflict with another writer, retried, never taken for success; a 404 on
 * {@code delete} means it is already gone; 400s are about the document; 401/403/404 (missing index with
 * auto-creation off) are about the setup and fail the task.
 */
public final class ResultClassifier {

    /** Classes of result. */
    public enum Verdict { ACKNOWLEDGED, RETRY, MALFORMED, FATAL }

    private ResultClassifier() {
    }

    public static Verdict classifyItem(BulkAction action, ItemResult result) {
        int status = result.status();
        if (status >= 200 && status < 300 && result.errorType() == null) {
            return Verdict.ACKNOWLEDGED;
        }
        if (status == 409 && action == BulkAction.CREATE) {
            return Verdict.ACKNOWLEDGED;
        }
        if (status == 404 && action == BulkAction.DELETE) {
            return Verdict.ACKNOWLEDGED;
        }
        if (isTransient(status) || status == 409) {
            return Verdict.RETRY;
        }
        if (status == 401 || status == 403 || status == 404) {
            return Verdict.FATAL;
        }
        if (status >= 400 && status < 500) {
            return Verdict.MALFORMED;
        }
        return Verdict.FATAL;
    }

    /** The verdict for a whole request answered with a status other than 200. */
    public static Verdict classifyRequest(int status) {
        if (status >= 200 && status < 300) {
            return Verdict.ACKNOWLEDGED;
        }
        return isTransient(status) ? Verdict.RETRY : Verdict.FATAL;
    }

    /** 429 (too many requests), 408 (request timeout) and every 5xx. */
    public static boolean isTransient(int status) {
        return status == 429 || status == 408 || status >= 500;
    }

    /** An explanation of a whole-request failure, naming the config to check. */
    public static String explainRequestFailure(int status, String body) {
        String excerpt = body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
        return switch (status) {
            case 401 -> "the search engine refused the credentials (HTTP 401): check connection.username and"
                    + " connection.password, or connection.api.key";
            case 403 -> "the user is not allowed to write there (HTTP 403): grant it the create_doc/index privilege"
                    + " on the target indices. " + excerpt;
            case 413 -> "the bulk request is larger than the engine accepts (HTTP 413): lower bulk.size.bytes";
            default -> "_bulk request failed with HTTP " + status + ": " + excerpt;
        };
    }
}
