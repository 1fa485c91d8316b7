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

    /** An integer in decimal, as {@link Long#toString(long)} writes it, without building that string. */
    void writeDecimal(long value) {
        if (value == Long.MIN_VALUE) {
            writeAscii(Long.toString(value));
            return;
        }
        if (20 > bytes.length - length) {
            grow(20);
        }
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int at = length + digits - 1; at >= length; at--) {
            bytes[at] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
    }

    /**
     * Text known to be ASCII ({@code true}, {@code false}, plain text), copied as it is stored: the one String method
     * that copies a Latin-1 string's bytes into an array as they are, without a new array per call.
     */
    @SuppressWarnings("deprecation")
    void writeAscii(String ascii) {
        int count = ascii.length();
        if (count > bytes.length - length) {
            grow(count);
        }
        ascii.getBytes(0, count, bytes, length);
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
