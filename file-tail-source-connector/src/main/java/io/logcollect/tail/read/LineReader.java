package io.logcollect.tail.read;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Cuts a file into lines from a byte position, in any charset. Reads with positional reads, so it never
 * depends on the channel's position; keeps at most {@code maxLineBytes} of a line in memory (the rest of a
 * longer line is skipped and the line flagged truncated); a last line without terminator waits for it.
 *
 * <p>Line terminators are found in the encoded bytes: the charset's encoding of {@code \n} at a position
 * aligned to its length (1 byte for UTF-8, GBK, GB18030, ISO-8859-*; 2 for UTF-16; 4 for UTF-32), so
 * multi-byte characters are never split. Bytes that are invalid in the charset decode to U+FFFD.
 *
 * <p>The same pass over the bytes notes whether a line is {@linkplain Line#plain() plain}: in UTF-8, US-ASCII and
 * ISO-8859-1 it looks at eight bytes at a time for a terminator and for any byte that is not plain, so that the
 * converter need not scan every line's text again to know whether JSON can hold it as its bytes.
 */
public final class LineReader {

    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    /** Charsets in which a byte from 0x20 to 0x7F is always the character of that code, whatever comes before. */
    private static final Set<Charset> ASCII_BYTES_ARE_ASCII =
            Set.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1);
    private static final VarHandle EIGHT_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final FileChannel channel;
    private final Charset charset;
    private final byte[] newline;
    private final byte[] carriageReturn;
    private final int unit;
    /** The longest head of a line that is kept, a whole number of code units. */
    private final int maxLineBytes;
    /** Whether lines are looked at for {@link Line#plain()}; in other charsets none is. */
    private final boolean notesPlain;

    private byte[] buffer;
    private ByteBuffer view;
    /** File offset of buffer[0]. */
    private long bufferOffset;
    /** Index in buffer where the current line starts. */
    private int start;
    /** Index in buffer up to which bytes are valid. */
    private int limit;
    /** Index in buffer from which to look for the next terminator. */
    private int scanFrom;
    /** Head of a line longer than maxLineBytes while its tail is being skipped; null otherwise. */
    private byte[] truncatedHead;
    private long truncatedOffset;
    /** Whether the bytes of the current line scanned so far are all plain. */
    private boolean plainSoFar = true;

    public LineReader(FileChannel channel, long position, Charset charset, int maxLineBytes) {
        this.channel = channel;
        this.charset = charset;
        this.newline = encode("\n", charset);
        this.carriageReturn = encode("\r", charset);
        this.unit = newline.length;
        this.maxLineBytes = Math.max(unit, maxLineBytes - maxLineBytes % unit);
        this.notesPlain = ASCII_BYTES_ARE_ASCII.contains(charset);
        this.buffer = new byte[Math.min(INITIAL_BUFFER, this.maxLineBytes + 2 * unit)];
        this.view = ByteBuffer.wrap(buffer);
        this.bufferOffset = position;
    }

    /** The bytes of a line terminator ({@code \n}) in a charset. */
    public static byte[] terminator(Charset charset) {
        return encode("\n", charset);
    }

    /** The offset just after the last line terminator of a file in a charset; 0 when it has none. */
    public static long endOfLastLine(FileChannel channel, Charset charset) throws IOException {
        byte[] newline = terminator(charset);
        long size = channel.size();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (long end = size; end > 0; ) {
            long from = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - from));
            while (chunk.hasRemaining() && channel.read(chunk, from + chunk.position()) > 0) {
                // fill the chunk
            }
            byte[] bytes = chunk.array();
            for (int i = (int) (end - from) - 1; i >= 0; i--) {
                if (endsTerminator(bytes, i, from, newline)) {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** Whether {@code bytes[lastIndex]} is the last byte of a terminator aligned to its length in the file. */
    private static boolean endsTerminator(byte[] bytes, int lastIndex, long from, byte[] newline) {
        int unit = newline.length;
        int first = lastIndex - unit + 1;
        if (first < 0 || (from + first) % unit != 0) {
            return false;
        }
        for (int j = 0; j < unit; j++) {
            if (bytes[first + j] != newline[j]) {
                return false;
            }
        }
        return true;
    }

    /** The encoding of {@code text} without the byte-order mark some encoders put first. */
    static byte[] encode(String text, Charset charset) {
        byte[] once = text.getBytes(charset);
        byte[] twice = (text + text).getBytes(charset);
        int bomLength = 2 * once.length - twice.length;
        return Arrays.copyOfRange(once, bomLength, once.length);
    }

    /** The file offset where the next line starts: everything before it has been returned. */
    public long position() {
        return truncatedHead != null ? truncatedOffset : bufferOffset + start;
    }

    /** The file offset up to which bytes have been read from the file. */
    public long readOffset() {
        return bufferOffset + limit;
    }

    /** The next complete line, or null when the file holds no further complete line now. */
    public Line next() throws IOException {
        while (true) {
            int end = findNewline();
            if (end >= 0) {
                return takeLine(end);
            }
            scanFrom = Math.max(start, limit - unit + 1);
            if (truncatedHead == null && limit - start > maxLineBytes) {
                truncatedHead = Arrays.copyOfRange(buffer, start, start + maxLineBytes);
                truncatedOffset = bufferOffset + start;
            }
            if (truncatedHead != null) {
                discardBefore(scanFrom);
            }
            if (!fill()) {
                return null;
            }
        }
    }

    /**
     * The bytes after the last terminator as a line, for a file that is finished (rotated away or deleted,
     * and read to its end); null when there are none.
     */
    public Line remainder() throws IOException {
        do {
            Line line = next();
            if (line != null) {
                return line;
            }
        } while (fill());
        return partial();
    }

    /**
     * The lines already in the buffer, the bytes after the last terminator as a last line, without reading
     * the file again: what was read of a file before it was found truncated or replaced, whose bytes beyond
     * are not the same content any more.
     */
    public List<Line> drainBuffered() {
        List<Line> lines = new ArrayList<>();
        for (int end; (end = findNewline()) >= 0; ) {
            lines.add(takeLine(end));
        }
        Line last = partial();
        if (last != null) {
            lines.add(last);
        }
        return lines;
    }

    /** The buffered bytes after the last terminator as a line, consumed; null when there are none. */
    private Line partial() {
        long next = bufferOffset + limit;
        Line line;
        if (truncatedHead != null) {
            line = new Line(truncatedOffset, next, text(truncatedOffset, truncatedHead, 0, truncatedHead.length), true,
                    false);
            truncatedHead = null;
        } else if (start < limit) {
            int length = Math.min(limit - start, maxLineBytes);
            line = new Line(bufferOffset + start, next, text(bufferOffset + start, buffer, start,
                    withoutCarriageReturn(start, start + length) - start), limit - start > maxLineBytes, false);
        } else {
            return null;
        }
        start = limit;
        scanFrom = limit;
        plainSoFar = true;
        return line;
    }

    private int findNewline() {
        if (notesPlain) {
            return findNewlineNotingPlain();
        }
        plainSoFar = false;
        if (unit == 1) {
            byte nl = newline[0];
            for (int i = scanFrom; i < limit; i++) {
                if (buffer[i] == nl) {
                    return i;
                }
            }
            return -1;
        }
        int first = scanFrom + (int) Math.floorMod(-(bufferOffset + scanFrom), (long) unit);
        for (int i = first; i + unit <= limit; i += unit) {
            if (matches(i, newline)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the next {@code \n} from {@link #scanFrom}, or -1, noting in {@link #plainSoFar} whether the line's
     * bytes before it are plain. Eight bytes that are all plain are passed at once; eight that are not are looked at
     * one by one, and the terminator is found among them.
     */
    private int findNewlineNotingPlain() {
        int i = scanFrom;
        while (true) {
            while (i + Long.BYTES <= limit && notPlain((long) EIGHT_BYTES.get(buffer, i)) == 0) {
                i += Long.BYTES;
            }
            for (int end = Math.min(i + Long.BYTES, limit); i < end; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    return i;
                }
                if (!isPlain(b) && !(b == '\r' && i + 1 < limit && buffer[i + 1] == '\n')) {
                    plainSoFar = false;
                }
            }
            if (i >= limit) {
                return -1;
            }
        }
    }

    /**
     * High bits set where a byte of {@code eight} is not plain (and possibly above such a byte, where a subtraction
     * borrowed: those eight bytes are then looked at one by one anyway); zero when all eight are plain.
     */
    private static long notPlain(long eight) {
        long control = (eight - repeated(0x20)) & ~eight;
        return (eight | control | zeroByte(eight ^ repeated('"')) | zeroByte(eight ^ repeated('\\'))) & HIGH_BITS;
    }

    private static boolean isPlain(byte b) {
        return b >= 0x20 && b != '"' && b != '\\';
    }

    private static long zeroByte(long eight) {
        return (eight - repeated(1)) & ~eight;
    }

    private static long repeated(int b) {
        return 0x0101010101010101L * b;
    }

    private boolean matches(int index, byte[] bytes) {
        for (int j = 0; j < bytes.length; j++) {
            if (buffer[index + j] != bytes[j]) {
                return false;
            }
        }
        return true;
    }

    private Line takeLine(int end) {
        long next = bufferOffset + end + unit;
        Line line;
        if (truncatedHead != null) {
            line = new Line(truncatedOffset, next, text(truncatedOffset, truncatedHead, 0, truncatedHead.length), true,
                    false);
            truncatedHead = null;
        } else if (end - start > maxLineBytes) {
            line = new Line(bufferOffset + start, next, text(bufferOffset + start, buffer, start, maxLineBytes), true,
                    false);
        } else if (plainSoFar) {
            // ASCII in a charset that keeps it as it is: Latin-1 decodes it without looking for other characters
            line = new Line(bufferOffset + start, next, new String(buffer, start,
                    withoutCarriageReturn(start, end) - start, StandardCharsets.ISO_8859_1), false, true);
        } else {
            line = new Line(bufferOffset + start, next,
                    text(bufferOffset + start, buffer, start, withoutCarriageReturn(start, end) - start), false, false);
        }
        start = end + unit;
        scanFrom = start;
        plainSoFar = true;
        return line;
    }

    private int withoutCarriageReturn(int from, int end) {
        int cr = carriageReturn.length;
        return end - from >= cr && matches(end - cr, carriageReturn) ? end - cr : end;
    }

    private String text(long fileOffset, byte[] bytes, int offset, int length) {
        String text = new String(bytes, offset, length, charset);
        return fileOffset == 0 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    }

    /** Drops buffer bytes before {@code index} while the tail of a long line is skipped. */
    private void discardBefore(int index) {
        System.arraycopy(buffer, index, buffer, 0, limit - index);
        bufferOffset += index;
        limit -= index;
        scanFrom -= index;
        start = 0;
    }

    /** Reads more bytes; false when the file has none beyond what is buffered. */
    private boolean fill() throws IOException {
        if (start > 0) {
            discardBefore(start);
        }
        if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, (long) maxLineBytes + 2L * unit));
            view = ByteBuffer.wrap(buffer);
        } else if (limit == 0 && buffer.length > INITIAL_BUFFER) {
            buffer = new byte[INITIAL_BUFFER];
            view = ByteBuffer.wrap(buffer);
        }
        view.limit(buffer.length).position(limit);
        int read = channel.read(view, bufferOffset + limit);
        if (read <= 0) {
            return false;
        }
        limit += read;
        return true;
    }
}
