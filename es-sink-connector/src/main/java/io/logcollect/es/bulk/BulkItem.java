package io.logcollect.es.bulk;

import java.nio.charset.StandardCharsets;

/**
 * One document operation of a {@code _bulk} request: its action line and source, both ready to be written as
 * NDJSON, and an opaque tag the owner uses to recognise it when its outcome is reported. Retry state is kept
 * by the engine.
 */
public final class BulkItem {

    private final BulkAction action;
    private final String index;
    private final String id;
    private final byte[] actionLine;
    private final byte[] source;
    private final Object tag;

    int attempts;
    long notBeforeNanos;
    long enqueuedNanos;
    /** The item's place in the order items were added to the engine. */
    long sequence;
    /** Whether the item holds a claim on its id: sent and not finished. Guarded by the engine's lock. */
    boolean claimed;
    /** Set once the item no longer counts as outstanding: its outcome was reported, it was discarded, or the
     * engine closed. Answers for such an item are ignored. */
    volatile boolean abandoned;

    /**
     * @param id     the document id, or null to let the engine generate one (not allowed for delete)
     * @param source the document as compact JSON on one line, or null for a delete
     */
    public BulkItem(BulkAction action, String index, String id, byte[] source, Object tag) {
        if (action == BulkAction.DELETE ? id == null : source == null) {
            throw new IllegalArgumentException(action == BulkAction.DELETE ? "a delete needs an id" : "no source");
        }
        if (action == BulkAction.UPDATE && id == null) {
            throw new IllegalArgumentException("an update needs an id");
        }
        this.action = action;
        this.index = index;
        this.id = id;
        this.source = action == BulkAction.UPDATE ? upsert(source) : source;
        this.tag = tag;
        this.actionLine = actionLine(action, index, id);
    }

    static byte[] actionLine(BulkAction action, String index, String id) {
        StringBuilder line = new StringBuilder(48 + index.length() + (id == null ? 0 : id.length()));
        line.append("{\"").append(action.json()).append("\":{\"_index\":");
        Json.appendQuoted(line, index);
        if (id != null) {
            line.append(",\"_id\":");
            Json.appendQuoted(line, id);
        }
        if (action == BulkAction.UPDATE) {
            // Another writer's update of the same document between the engine's read and write is retried there.
            line.append(",\"retry_on_conflict\":3");
        }
        line.append("}}\n");
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An update's body: the document's fields, and the document itself when it does not exist yet. */
    private static byte[] upsert(byte[] document) {
        byte[] prefix = "{\"doc\":".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = ",\"doc_as_upsert\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + document.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(document, 0, body, prefix.length, document.length);
        System.arraycopy(suffix, 0, body, prefix.length + document.length, suffix.length);
        return body;
    }

    public BulkAction action() {
        return action;
    }

    public String index() {
        return index;
    }

    public String id() {
        return id;
    }

    public Object tag() {
        return tag;
    }

    /** Bytes this item adds to a request body. */
    public int sizeInBytes() {
        return actionLine.length + (source == null ? 0 : source.length + 1);
    }

    /** How many times the item was retried so far. */
    public int attempts() {
        return attempts;
    }

    byte[] actionLine() {
        return actionLine;
    }

    byte[] source() {
        return source;
    }
}
