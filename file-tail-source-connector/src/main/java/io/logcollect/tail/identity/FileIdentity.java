package io.logcollect.tail.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who a file is, independent of its name: the device and inode it lives in, plus a fingerprint of its
 * first bytes. The fingerprint covers the first line (up to and including its first {@code \n} byte), or
 * the first {@code fingerprintBytes} bytes if the first line is longer; both are fixed once written in an
 * append-only file, so a small file is identified as soon as it holds one complete line.
 *
 * <p>A rename keeps both parts; a new file that reuses an inode, or a file truncated and rewritten, gets
 * a different fingerprint unless its first line is byte-for-byte the old one.
 *
 * @param fileKey     {@code <device>:<inode>}
 * @param fingerprint hex of a SHA-256 prefix of the fingerprinted bytes
 */
public record FileIdentity(String fileKey, String fingerprint) {

    /** The identity as one string, used as the file's source partition. */
    public String key() {
        return fileKey + ":" + fingerprint;
    }

    /** {@code <device>:<inode>} of a file, or the platform's file key where those are not available. */
    public static String fileKey(Path path) throws IOException {
        try {
            Object dev = Files.getAttribute(path, "unix:dev");
            Object ino = Files.getAttribute(path, "unix:ino");
            return Long.toHexString(((Number) dev).longValue()) + ":" + ino;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return String.valueOf(key);
        }
    }

    /**
     * The identity of an open file, or empty while its first line is incomplete and shorter than
     * {@code fingerprintBytes} (unless {@code finished}: a file that will not grow is fingerprinted as it is).
     */
    public static Optional<FileIdentity> of(String fileKey, FileChannel channel, int fingerprintBytes, boolean finished)
            throws IOException {
        ByteBuffer head = ByteBuffer.allocate(fingerprintBytes);
        while (head.hasRemaining()) {
            if (channel.read(head, head.position()) <= 0) {
                break;
            }
        }
        byte[] bytes = head.array();
        int length = head.position();
        int end = -1;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            if (length < fingerprintBytes && !finished) {
                return Optional.empty();
            }
            end = length;
        }
        return Optional.of(new FileIdentity(fileKey, hash(bytes, end)));
    }

    private static String hash(byte[] bytes, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes, 0, length);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
