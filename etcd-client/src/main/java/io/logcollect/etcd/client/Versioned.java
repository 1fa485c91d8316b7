package io.logcollect.etcd.client;

/**
 * A value read from etcd with the revision that last modified it.
 *
 * @param value       the value as UTF-8 text
 * @param modRevision the key's {@code mod_revision}
 */
public record Versioned(String value, long modRevision) {

    @Override
    public String toString() {
        return "Versioned[modRevision=" + modRevision + ", " + value.length() + " chars]";
    }
}
