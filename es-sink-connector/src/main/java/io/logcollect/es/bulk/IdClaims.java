package io.logcollect.es.bulk;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the operations on one document id in the order of their records: an item may be sent only when no
 * item of its id from another request is in flight or waiting for a retry. Items of one id may share a request,
 * since the engine applies a shard's items in request order. Guarded by the engine's lock.
 */
final class IdClaims {

    /** How many items of one id are sent and not finished, and the request that first took them. */
    private static final class Claim {
        final long request;
        int items = 1;

        Claim(long request) {
            this.request = request;
        }
    }

    private final Map<String, Claim> claims = new HashMap<>();

    /**
     * Claims the item's id for request {@code number}, or says it must wait. An item sent before holds its claim
     * until it finishes; it is never held back, since the items that came after it are.
     */
    boolean claim(BulkItem item, long number) {
        if (item.id() == null || item.claimed) {
            return true;
        }
        Claim claim = claims.get(item.id());
        if (claim == null) {
            claims.put(item.id(), new Claim(number));
        } else if (claim.request == number) {
            claim.items++;
        } else {
            return false;
        }
        item.claimed = true;
        return true;
    }

    /** The item finished (or was dropped): the next item of its id may go once no other of the id holds it. */
    void release(BulkItem item) {
        if (!item.claimed) {
            return;
        }
        item.claimed = false;
        Claim claim = claims.get(item.id());
        if (claim != null && --claim.items == 0) {
            claims.remove(item.id());
        }
    }

    /** Forgets every claim: the engine closed, and answers still to come are ignored. */
    void clear() {
        claims.clear();
    }
}
