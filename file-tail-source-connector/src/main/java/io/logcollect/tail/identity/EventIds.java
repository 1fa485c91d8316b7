package io.logcollect.tail.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Deterministic {@code event.id}s: a hash of the host, the file identity, the file's truncation epoch and
 * the line's byte offset. The same line of the same file gets the same id on every read, after renames and
 * restarts; a new file, or new content after a truncation, gets new ids. The sink uses it as the document
 * id, which makes re-sent lines land once in the index.
 */
public final class EventIds {

    private final MessageDigest sha;
    private final byte[] prefix;

    /** Ids for the lines of one file of one host. */
    public EventIds(String hostName, String fileIdentity, int epoch) {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        this.prefix = (hostName + "\n" + fileIdentity + "\n" + epoch + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The id of the line (or multiline record) that starts at {@code offset}: 22 URL-safe characters. */
    public String idAt(long offset) {
        sha.update(prefix);
        for (int shift = 56; shift >= 0; shift -= 8) {
            sha.update((byte) (offset >>> shift));
        }
        byte[] digest = sha.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }
}
