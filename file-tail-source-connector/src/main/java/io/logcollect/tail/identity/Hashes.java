package io.logcollect.tail.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The short content hashes of file identities and content checks. */
final class Hashes {

    private Hashes() {
    }

    /** Hex of the first 16 bytes of the SHA-256 of {@code bytes[offset, offset + length)}. */
    static String hex(byte[] bytes, int offset, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes, offset, length);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
