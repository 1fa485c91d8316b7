package io.logcollect.etcd.client;

/**
 * The outcome of a write guarded by a {@code mod_revision} comparison.
 *
 * @param written            whether the write happened
 * @param revision           the key's new {@code mod_revision} when written; its current one (0: absent) when not
 */
public record WriteResult(boolean written, long revision) {
}
