package io.logcollect.es.document;

import io.logcollect.es.bulk.BulkAction;

/**
 * A record turned into a bulk operation.
 *
 * @param id     the document id, or null to let the engine generate one
 * @param source the document as compact one-line JSON, or null for a delete
 */
public record Document(BulkAction action, String index, String id, byte[] source) {
}
