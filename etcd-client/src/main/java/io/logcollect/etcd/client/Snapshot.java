package io.logcollect.etcd.client;

import java.util.Map;

/**
 * Keys read from etcd at one revision.
 *
 * @param revision the store revision the read saw
 * @param values   the keys that exist, by full key; keys that do not exist are absent
 */
public record Snapshot(long revision, Map<String, Versioned> values) {

    public Snapshot {
        values = Map.copyOf(values);
    }
}
