package io.logcollect.tail.identity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Deterministic {@code event.id}s: a hash of the host, the file identity, the file's truncation epoch and
 * the line's byte offset. The same line of the same file gets the same id on every read, after renames and
 * restarts; a new file, or new content after a truncation, gets new ids. The sink uses it as the document
 * id, which makes re-sent lines land once in the index.
 */
public final class EventIds {

    private static final VarHandle OFFSET = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final Base64.Encoder ID = Base64.getUrlEncoder().withoutPadding();

    private final MessageDigest sha;
    /** The host, file identity and epoch, then the offset's eight bytes, rewritten for each line. */
    private final byte[] input;
    // reused from line to line: ids are made a line at a time on the reading thread
    private final byte[] digest = new byte[32];
    private final byte[] firstHalf = new byte[16];
    private final byte[] encoded = new byte[22];

    /** Ids for the lines of one file of one host. */
    public EventIds(String hostName, String fileIdentity, int epoch) {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        byte[] prefix = (hostName + "\n" + fileIdentity + "\n" + epoch + "\n").getBytes(StandardCharsets.UTF_8);
        this.input = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
    }

    /** The id of the line (or multiline record) that starts at {@code offset}: 22 URL-safe characters. */
    public String idAt(long offset) {
        OFFSET.set(input, input.length - Long.BYTES, offset);
        sha.update(input);
        try {
            sha.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 wrote no 32-byte digest", e);
        }
        System.arraycopy(digest, 0, firstHalf, 0, firstHalf.length);
        ID.encode(firstHalf, encoded);
        return new String(encoded, StandardCharsets.ISO_8859_1);
    }
}
