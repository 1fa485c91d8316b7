package io.logcollect.tail.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Who a file is, independent of its name: its inode plus a fingerprint of its first bytes. The fingerprint
 * covers the first line (up to and including its first {@code \n} byte), or the first {@code fingerprintBytes}
 * bytes if the first line is longer; both are fixed once written in an append-only file, so a small file is
 * identified as soon as it holds one complete line.
 *
 * <p>The device number is not part of the key: it changes across reboots for NFS, btrfs and LVM volumes, and
 * a key that changes makes the agent re-read or skip a file. Two files of one entry on different devices
 * with the same inode and first line (a rare clash) are told apart by a key qualified with the device.
 * A new file that reuses an inode and starts with the same line is told apart from the old one by the
 * {@link ContentCheck} stored with every position.
 *
 * @param device      the device number (hex), which tells files apart within one run
 * @param inode       the inode number
 * @param fingerprint hex of a SHA-256 prefix of the fingerprinted bytes
 * @param qualified   whether {@link #key()} includes the device
 */
public record FileIdentity(String device, String inode, String fingerprint, boolean qualified) {

    /** The identity as one string, used in the file's source partition and its event ids. */
    public String key() {
        return qualified ? device + ":" + inode + ":" + fingerprint : inode + ":" + fingerprint;
    }

    /** The same identity with its key qualified by the device: the key of a clash, and of logcollect 0.1. */
    public FileIdentity onDevice() {
        return new FileIdentity(device, inode, fingerprint, true);
    }

    /** The device number in decimal, as {@code stat -c %d} and ECS's {@code log.file.device_id} write it. */
    public String deviceId() {
        return Long.toUnsignedString(Long.parseUnsignedLong(device, 16));
    }

    /** {@code <device>:<inode>}: the same file within one run, whatever its content. */
    public String fileKey() {
        return device + ":" + inode;
    }

    /** {@code <device>:<inode>} of a file, or the platform's file key where those are not available. */
    public static String fileKey(Path path) throws IOException {
        try {
            Object dev = Files.getAttribute(path, "unix:dev");
            Object ino = Files.getAttribute(path, "unix:ino");
            return Long.toHexString(((Number) dev).longValue()) + ":" + ino;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return "0:" + key;
        }
    }

    /**
     * The identity of an open file whose {@link #fileKey(Path)} is {@code fileKey}, or empty while its first
     * line is incomplete and shorter than {@code fingerprintBytes} (unless {@code finished}: a file that will
     * not grow is fingerprinted as it is).
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
        int colon = fileKey.indexOf(':');
        return Optional.of(new FileIdentity(fileKey.substring(0, colon), fileKey.substring(colon + 1),
                Hashes.hex(bytes, 0, end), false));
    }
}
