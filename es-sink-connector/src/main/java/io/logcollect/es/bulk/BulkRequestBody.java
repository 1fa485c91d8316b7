package io.logcollect.es.bulk;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Builds the NDJSON body of a {@code _bulk} request from items whose lines are already serialized. */
public final class BulkRequestBody {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BulkRequestBody() {
    }

    /** {@code "event.ingested":"<time>"}: the field {@link #build} adds, for the time {@code epochMillis}. */
    public static byte[] ingested(long epochMillis) {
        return ("\"event.ingested\":\"" + MILLIS.format(Instant.ofEpochMilli(epochMillis)) + "\"")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Action line, then (except for deletes) the source and a newline, for every item in order.
     *
     * @param ingested a field from {@link #ingested(long)} to add at the end of every document indexed or
     *                 created (an update's source is not a document), or null for none. It is written with a
     *                 dotted name, which the engines read as {@code event.ingested} next to the document's own
     *                 {@code event} object.
     */
    public static byte[] build(List<BulkItem> items, byte[] ingested) {
        int size = 0;
        for (BulkItem item : items) {
            size += item.sizeInBytes() + (ingested == null ? 0 : ingested.length + 1);
        }
        byte[] body = new byte[size];
        int at = 0;
        for (BulkItem item : items) {
            byte[] action = item.actionLine();
            System.arraycopy(action, 0, body, at, action.length);
            at += action.length;
            byte[] source = item.source();
            if (source != null) {
                int end = ingested != null && item.action() != BulkAction.UPDATE ? closingBrace(source) : -1;
                if (end < 0) {
                    System.arraycopy(source, 0, body, at, source.length);
                    at += source.length;
                } else {
                    System.arraycopy(source, 0, body, at, end);
                    at += end;
                    if (!isEmptyObject(source, end)) {
                        body[at++] = ',';
                    }
                    System.arraycopy(ingested, 0, body, at, ingested.length);
                    at += ingested.length;
                    body[at++] = '}';
                }
                body[at++] = '\n';
            }
        }
        return at == body.length ? body : java.util.Arrays.copyOf(body, at);
    }

    /** Where the object's closing brace is (only whitespace after it), or -1 if the source does not end in one. */
    private static int closingBrace(byte[] source) {
        for (int i = source.length - 1; i >= 0; i--) {
            byte b = source[i];
            if (b == '}') {
                return i;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return -1;
            }
        }
        return -1;
    }

    /** Whether nothing but whitespace stands between the opening brace and {@code end}. */
    private static boolean isEmptyObject(byte[] source, int end) {
        for (int i = end - 1; i >= 0; i--) {
            byte b = source[i];
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }
}
