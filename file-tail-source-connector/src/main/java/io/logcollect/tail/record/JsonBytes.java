package io.logcollect.tail.record;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of one JSON document as it is written: one array, reused from record to record and grown as needed,
 * so that a record costs one copy of its bytes at the end. An {@link OutputStream} so that Jackson can write the
 * text it escapes straight into it.
 */
final class JsonBytes extends OutputStream {

    private byte[] bytes;
    private int length;

    JsonBytes(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
        if (length == bytes.length) {
            grow(1);
        }
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] from) {
        write(from, 0, from.length);
    }

    @Override
    public void write(byte[] from, int offset, int count) {
        if (count > bytes.length - length) {
            grow(count);
        }
        System.arraycopy(from, offset, bytes, length, count);
        length += count;
    }

    /** Text known to be ASCII (numbers, {@code true}, {@code false}). */
    void writeAscii(String ascii) {
        int count = ascii.length();
        if (count > bytes.length - length) {
            grow(count);
        }
        for (int i = 0; i < count; i++) {
            bytes[length + i] = (byte) ascii.charAt(i);
        }
        length += count;
    }

    int length() {
        return length;
    }

    /** Drops what was written after {@code newLength}. */
    void truncate(int newLength) {
        length = newLength;
    }

    void reset() {
        length = 0;
    }

    /** A copy of what was written from {@code from} on. */
    byte[] copyFrom(int from) {
        return Arrays.copyOfRange(bytes, from, length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void grow(int needed) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + needed));
    }
}
