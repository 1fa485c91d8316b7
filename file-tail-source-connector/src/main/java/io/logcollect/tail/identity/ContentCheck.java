package io.logcollect.tail.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A hash of the bytes just before a position of a file, stored with the file's position: when the file is
 * found again (after a restart, or when it changed while its handle was closed), the same bytes must still
 * hash the same, or it is another file (a new file on a reused inode that starts with the same line, or a
 * file truncated and rewritten past the position) and is read from its first byte.
 *
 * @param position where the hashed bytes end; 0 for no check
 * @param length   how many bytes before {@code position} are hashed
 * @param hash     hex hash of those bytes
 */
public record ContentCheck(long position, int length, String hash) {

    public static final ContentCheck NONE = new ContentCheck(0, 0, "");

    /** The check of the up to {@code window} bytes before {@code position}; null when the file is shorter. */
    public static ContentCheck of(FileChannel channel, long position, int window) throws IOException {
        if (position <= 0) {
            return NONE;
        }
        int length = (int) Math.min(window, position);
        String hash = hash(channel, position, length);
        return hash == null ? null : new ContentCheck(position, length, hash);
    }

    /** Whether a file still holds the checked bytes; a file too short for them does not. */
    public boolean holds(FileChannel channel) throws IOException {
        return position <= 0 || hash.equals(hash(channel, position, length));
    }

    private static String hash(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        long from = position - length;
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, from + bytes.position()) <= 0) {
                return null;
            }
        }
        return Hashes.hex(bytes.array(), 0, length);
    }
}
