package io.logcollect.es.bulk;

import java.util.concurrent.CompletableFuture;

/** Sends one {@code _bulk} body and completes with the HTTP answer, or exceptionally when none came. */
public interface BulkTransport {

    /** The status and body of an answer, whatever its status. */
    record Response(int status, byte[] body) {
    }

    CompletableFuture<Response> send(byte[] ndjson);
}
