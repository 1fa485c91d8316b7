package io.logcollect.tail.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a string needs to be written as JSON, and JSON's escapes for ASCII as Jackson (and so JsonConverter) writes
 * them.
 */
final class JsonText {

    private static final VarHandle EIGHT_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** How Jackson escapes each ASCII character: 0 not at all, -1 by its code in four hex digits, else by a letter. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private JsonText() {
    }

    /** What a string needs to be written as JSON. */
    enum TextKind {
        /** ASCII that JSON does not escape: written as its bytes. */
        PLAIN,
        /** ASCII with quotes, backslashes or control characters, which take JSON escapes. */
        ESCAPED_ASCII,
        /** Anything else: Jackson writes it. */
        OTHER
    }

    /**
     * What {@code text}, encoded as {@code utf8}, needs: nothing if it is ASCII that JSON does not escape, escapes if
     * it is ASCII with control characters, quotes or backslashes (Jackson escapes exactly those), Jackson's writer if
     * it has any byte of a multi-byte character (high bit set). An unpaired surrogate is encoded as {@code ?}, so
     * when the bytes hold a question mark, the question marks of both are counted: such text is left to Jackson,
     * which handles it as JsonConverter does. Eight bytes are looked at a time, since this scan runs over every byte
     * the agent ships.
     */
    static TextKind kind(String text, byte[] utf8) {
        long high = 0;
        long escaped = 0;
        long question = 0;
        int at = 0;
        for (; at + Long.BYTES <= utf8.length; at += Long.BYTES) {
            long eight = (long) EIGHT_BYTES.get(utf8, at);
            high |= eight;
            escaped |= (eight - repeated(0x20)) & ~eight | zeroByte(eight ^ repeated('"'))
                    | zeroByte(eight ^ repeated('\\'));
            question |= zeroByte(eight ^ repeated('?'));
        }
        for (; at < utf8.length; at++) {
            byte b = utf8[at];
            if (b < 0) {
                high = HIGH_BITS;
            } else if (b < 0x20 || b == '"' || b == '\\') {
                escaped = HIGH_BITS;
            } else if (b == '?') {
                question = HIGH_BITS;
            }
        }
        if ((high & HIGH_BITS) != 0
                || (question & HIGH_BITS) != 0 && count(utf8, (byte) '?') != count(text, '?')) {
            return TextKind.OTHER;
        }
        // A byte below 0x20 may mark the byte above it too (a borrow); either way the text takes escapes.
        return (escaped & HIGH_BITS) != 0 ? TextKind.ESCAPED_ASCII : TextKind.PLAIN;
    }

    /** The high bit of a byte is set where a byte of {@code eight} is zero (or, harmlessly, above such a byte). */
    private static long zeroByte(long eight) {
        return (eight - repeated(1)) & ~eight & HIGH_BITS;
    }

    private static long repeated(int b) {
        return 0x0101010101010101L * b;
    }

    private static int count(byte[] bytes, byte wanted) {
        int count = 0;
        for (byte b : bytes) {
            if (b == wanted) {
                count++;
            }
        }
        return count;
    }

    private static int count(String text, char wanted) {
        int count = 0;
        for (int at = text.indexOf(wanted); at >= 0; at = text.indexOf(wanted, at + 1)) {
            count++;
        }
        return count;
    }

    /** ASCII with characters JSON escapes, escaped as Jackson escapes them; the runs between are copied whole. */
    static void writeEscaped(byte[] ascii, JsonBytes out) {
        out.write('"');
        int run = 0;
        for (int at = 0; at < ascii.length; at++) {
            byte b = ascii[at];
            byte escape = ESCAPES[b];
            if (escape == 0) {
                continue;
            }
            out.write(ascii, run, at - run);
            run = at + 1;
            out.write('\\');
            if (escape > 0) {
                out.write(escape);
            } else {
                out.write('u');
                out.write('0');
                out.write('0');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 0xf]);
            }
        }
        out.write(ascii, run, ascii.length - run);
        out.write('"');
    }
}
