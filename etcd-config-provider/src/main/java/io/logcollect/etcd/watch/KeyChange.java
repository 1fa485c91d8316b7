package io.logcollect.etcd.watch;

/**
 * A change of a watched etcd key.
 *
 * @param key      the full etcd key
 * @param value    the new value, or null when the key was deleted
 * @param revision the revision of the change (the key's new mod_revision, or the deletion's revision)
 */
public record KeyChange(String key, String value, long revision) {

    public boolean deleted() {
        return value == null;
    }

    @Override
    public String toString() {
        return "KeyChange[" + key + (deleted() ? " deleted" : " put") + " at revision " + revision + "]";
    }
}
