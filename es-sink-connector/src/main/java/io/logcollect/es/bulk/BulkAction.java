package io.logcollect.es.bulk;

/** The bulk actions the sink sends. */
public enum BulkAction {
    /** Index a document unless its {@code _id} exists; a 409 then means "already there". */
    CREATE("create"),
    /** Index a document, replacing one with the same {@code _id}. */
    INDEX("index"),
    /** Update the document of an {@code _id} with the source's fields, creating it when absent (upsert). */
    UPDATE("update"),
    /** Delete the document of an {@code _id}; a 404 means "already gone". */
    DELETE("delete");

    private final String json;

    BulkAction(String json) {
        this.json = json;
    }

    /** The action's name in the NDJSON action line. */
    public String json() {
        return json;
    }
}
