package io.logcollect.es.bulk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Judges the answer to one {@code _bulk} request (DESIGN.md section 4): which items are done and with what
 * {@link Outcome}, which wait for a retry after a backoff (429, 5xx, timeouts, connection errors), and which are
 * sent again at once in smaller requests (a 413 for the whole request). Knows nothing of queues or threads.
 */
final class BulkAnswers {

    /** An item done with, and its outcome. */
    record Finished(BulkItem item, Outcome outcome) {
    }

    /**
     * What becomes of a request's items.
     *
     * @param finished      items with their final outcome
     * @param retry         items to send again after their backoff ({@link BulkItem#notBeforeNanos} is set)
     * @param resend        items to send again at once, in requests of at most half of {@code tooLargeBytes}
     * @param tooLargeBytes the size of a request refused as too large (413), or 0
     * @param warning       what to log about the request, or null; never quotes a document
     */
    record Verdict(List<Finished> finished, List<BulkItem> retry, List<BulkItem> resend, long tooLargeBytes,
                   String warning) {
    }

    private final int maxRetries;
    private final Backoff backoff;

    BulkAnswers(int maxRetries, Backoff backoff) {
        this.maxRetries = maxRetries;
        this.backoff = backoff;
    }

    Verdict judge(List<BulkItem> batch, int bytes, BulkTransport.Response response, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return retryAll(batch, reason, "bulk request of " + batch.size() + " documents failed, will retry: " + reason);
        }
        int status = response.status();
        if (status == 413) {
            return tooLarge(batch, bytes);
        }
        if (status != 200) {
            String explanation = ResultClassifier.explainRequestFailure(status,
                    new String(response.body(), StandardCharsets.UTF_8));
            if (ResultClassifier.classifyRequest(status) == ResultClassifier.Verdict.RETRY) {
                return retryAll(batch, explanation, "bulk request of " + batch.size() + " documents answered HTTP "
                        + status + ", will retry");
            }
            return new Verdict(allFatal(batch, explanation), List.of(), List.of(), 0, null);
        }
        List<ItemResult> results;
        try {
            results = BulkResponseParser.parse(response.body());
        } catch (IOException e) {
            String reason = "unreadable bulk response: " + e.getMessage();
            return retryAll(batch, reason, reason + ", will retry");
        }
        if (results.size() != batch.size()) {
            return new Verdict(allFatal(batch, "the bulk response has " + results.size() + " items for "
                    + batch.size() + " sent"), List.of(), List.of(), 0, null);
        }
        return judgeItems(batch, results);
    }

    private Verdict judgeItems(List<BulkItem> batch, List<ItemResult> results) {
        List<Finished> finished = new ArrayList<>(batch.size());
        List<BulkItem> retry = new ArrayList<>();
        ItemResult firstRetry = null;
        for (int i = 0; i < batch.size(); i++) {
            BulkItem item = batch.get(i);
            ItemResult result = results.get(i);
            switch (ResultClassifier.classifyItem(item.action(), result)) {
                case ACKNOWLEDGED -> finished.add(new Finished(item, Outcome.ACKNOWLEDGED));
                case MALFORMED -> finished.add(new Finished(item, Outcome.malformed(result.summary(), result.describe())));
                case FATAL -> finished.add(new Finished(item, Outcome.fatal(result.summary(), result.describe())));
                case RETRY -> {
                    retry.add(item);
                    if (firstRetry == null) {
                        firstRetry = result;
                    }
                }
            }
        }
        if (retry.isEmpty()) {
            return new Verdict(finished, List.of(), List.of(), 0, null);
        }
        Verdict retried = retryAll(retry, firstRetry.summary(), retry.size() + " of " + batch.size()
                + " documents were refused for now (" + firstRetry.summary() + "), will retry");
        finished.addAll(retried.finished());
        return new Verdict(finished, retried.retry(), List.of(), 0, retried.warning());
    }

    /**
     * A request the engine refused as too large: its items go again at once in requests half its size; a single
     * document that is too large on its own is malformed (retrying cannot help).
     */
    private Verdict tooLarge(List<BulkItem> batch, int bytes) {
        if (batch.size() == 1) {
            String summary = "HTTP 413: a document of " + bytes + " bytes is larger than the search engine accepts"
                    + " (its http.max_content_length)";
            return new Verdict(List.of(new Finished(batch.get(0), Outcome.malformed(summary, summary))), List.of(),
                    List.of(), 0, null);
        }
        return new Verdict(List.of(), List.of(), batch, bytes, "bulk request of " + batch.size() + " documents ("
                + bytes + " bytes) refused as too large (HTTP 413); sending it again in requests of at most "
                + Math.max(1, bytes / 2) + " bytes. Lower bulk.size.bytes below the engine's http.max_content_length");
    }

    private static List<Finished> allFatal(List<BulkItem> batch, String reason) {
        List<Finished> finished = new ArrayList<>(batch.size());
        for (BulkItem item : batch) {
            finished.add(new Finished(item, Outcome.fatal(reason)));
        }
        return finished;
    }

    /** Items over their retry budget are FATAL; the others wait one backoff, together, to go again in one request. */
    private Verdict retryAll(List<BulkItem> items, String reason, String warning) {
        List<Finished> exhausted = new ArrayList<>();
        List<BulkItem> retry = new ArrayList<>(items.size());
        int attempts = 0;
        for (BulkItem item : items) {
            attempts = Math.max(attempts, item.attempts + 1);
        }
        long notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff.millis(Math.max(1, attempts)));
        for (BulkItem item : items) {
            item.attempts++;
            if (maxRetries >= 0 && item.attempts > maxRetries) {
                exhausted.add(new Finished(item, Outcome.fatal("gave up after " + maxRetries + " retries (max.retries): "
                        + reason)));
            } else {
                item.notBeforeNanos = notBefore;
                retry.add(item);
            }
        }
        return new Verdict(exhausted, retry, List.of(), 0, warning);
    }
}
