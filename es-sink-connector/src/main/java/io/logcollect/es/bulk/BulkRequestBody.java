package io.logcollect.es.bulk;

import java.util.List;

/** Builds the NDJSON body of a {@code _bulk} request from items whose lines are already serialized. */
public final class BulkRequestBody {

    private BulkRequestBody() {
    }

    /** Action line, then (except for deletes) the source and a newline, for every item in order. */
    public static byte[] build(List<BulkItem> items) {
        int size = 0;
        for (BulkItem item : items) {
            size += item.sizeInBytes();
        }
        byte[] body = new byte[size];
        int at = 0;
        for (BulkItem item : items) {
            byte[] action = item.actionLine();
            System.arraycopy(action, 0, body, at, action.length);
            at += action.length;
            byte[] source = item.source();
            if (source != null) {
                System.arraycopy(source, 0, body, at, source.length);
                at += source.length;
                body[at++] = '\n';
            }
        }
        return body;
    }
}
