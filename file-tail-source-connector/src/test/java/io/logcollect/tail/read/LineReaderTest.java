package io.logcollect.tail.read;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineReaderTest {

    @TempDir
    Path dir;

    @Test
    void cutsLinesAndWaitsForAPartialLastLine() throws IOException {
        Path file = write("a.log", "one\r\ntwo\nthr", StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1024);
            assertEquals(new Line(0, 5, "one", false, true), reader.next());
            assertEquals(new Line(5, 9, "two", false, true), reader.next());
            assertNull(reader.next());
            assertEquals(9, reader.position());
            Files.writeString(file, "ee\n", StandardOpenOption.APPEND);
            assertEquals(new Line(9, 15, "three", false, true), reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void decodesMultiByteCharsetsWithoutSplittingCharacters() throws IOException {
        for (String name : List.of("GBK", "GB18030", "UTF-16LE", "UTF-16BE", "UTF-32")) {
            Charset charset = Charset.forName(name);
            Path file = write(name + ".log", "日志 第一行\n第二行 ok\n", charset);
            try (FileChannel channel = FileChannel.open(file)) {
                LineReader reader = new LineReader(channel, 0, charset, 1024);
                assertEquals("日志 第一行", reader.next().text(), name);
                assertEquals("第二行 ok", reader.next().text(), name);
                assertNull(reader.next(), name);
                assertEquals(Files.size(file), reader.position(), name);
            }
        }
    }

    @Test
    void replacesInvalidBytesAndStripsAByteOrderMark() throws IOException {
        Path file = dir.resolve("bad.log");
        Files.write(file, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k', '\n', 'x', (byte) 0xFF, 'y', '\n'});
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1024);
            assertEquals("ok", reader.next().text());
            assertEquals("x\uFFFDy", reader.next().text());
        }
    }

    @Test
    void truncatesLongLinesKeepingBoundedMemoryAndReadsTheNextLineIntact() throws IOException {
        Path file = dir.resolve("long.log");
        StringBuilder longLine = new StringBuilder();
        for (int i = 0; i < 300_000; i++) {
            longLine.append((char) ('a' + i % 26));
        }
        Files.writeString(file, longLine + "\nnext\n");
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1000);
            Line first = reader.next();
            assertTrue(first.truncated());
            assertEquals(longLine.substring(0, 1000), first.text());
            assertEquals(300_001, first.nextOffset());
            assertEquals(new Line(300_001, 300_006, "next", false, true), reader.next());
        }
    }

    @Test
    void remainderEmitsTheLastLineWithoutTerminator() throws IOException {
        Path file = write("rotated.log", "done\nhalf", StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1024);
            List<Line> lines = new ArrayList<>();
            for (Line line; (line = reader.remainder()) != null; ) {
                lines.add(line);
            }
            assertEquals(List.of(new Line(0, 5, "done", false, true), new Line(5, 9, "half", false, false)), lines);
        }
    }

    @Test
    void aLineIsPlainExactlyWhenEveryCharacterIsAsciiFromSpaceToDelWithoutQuoteOrBackslash() throws IOException {
        // every special byte at every position of the eight bytes the reader looks at together, in lines of 1-16
        // bytes that start at every alignment, a plain line after each; all in the reader's first read
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int length = 1; length <= 16; length++) {
            for (int position = 0; position < length; position++) {
                for (char special : "\u0000\t\r\u001f\"\\ ~\u007f\u00e9\u0080\u00ff\u4e2d".toCharArray()) {
                    String line = "a".repeat(position) + special + "b".repeat(length - position - 1);
                    expected.add(line);
                    expected.add("c".repeat(position + 1));
                    text.append(line).append('\n').append("c".repeat(position + 1)).append('\n');
                }
            }
        }
        text.append("crlf ends plain\r\n").append("\r\n").append("\n");
        expected.addAll(List.of("crlf ends plain", "", ""));
        for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
            Path file = write("plain-" + charset + ".log", text.toString(), charset);
            try (FileChannel channel = FileChannel.open(file)) {
                LineReader reader = new LineReader(channel, 0, charset, 1024);
                for (String line : expected) {
                    // a carriage return just before the terminator is part of it
                    String decoded = new String(line.getBytes(charset), charset).replaceFirst("\r$", "");
                    Line read = reader.next();
                    assertEquals(decoded, read.text());
                    assertEquals(decoded.chars().allMatch(c -> c >= 0x20 && c <= 0x7f && c != '"' && c != '\\'),
                            read.plain(), () -> charset + ": " + decoded.chars().boxed().toList());
                }
                assertNull(reader.next());
            }
        }
    }

    @Test
    void aLineSplitAcrossReadsIsPlainOnlyIfAllOfItIs() throws IOException {
        Path file = write("growing.log", "plain start", StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 1024);
            assertNull(reader.next());
            Files.writeString(file, " and \"quoted\" end\nplain again\nends with a carriage return\r",
                    StandardOpenOption.APPEND);
            assertEquals(new Line(0, 29, "plain start and \"quoted\" end", false, false), reader.next());
            assertEquals(new Line(29, 41, "plain again", false, true), reader.next());
            assertNull(reader.next());
            Files.writeString(file, "\n", StandardOpenOption.APPEND);
            // the carriage return was the last byte read, so it could not be known to end the line: not plain
            assertEquals(new Line(41, 70, "ends with a carriage return", false, false), reader.next());
        }
    }

    @Test
    void noLineIsPlainInACharsetWhoseBytesMayNotBeAscii() throws IOException {
        for (Charset charset : List.of(StandardCharsets.UTF_16LE, Charset.forName("GBK"), Charset.forName("IBM037"))) {
            Path file = write("other-" + charset + ".log", "plain text\n", charset);
            try (FileChannel channel = FileChannel.open(file)) {
                Line line = new LineReader(channel, 0, charset, 1024).next();
                assertEquals("plain text", line.text(), charset::toString);
                assertEquals(false, line.plain(), charset::toString);
            }
        }
    }

    @Test
    void aTruncatedLineIsNotPlain() throws IOException {
        Path file = write("long-plain.log", "x".repeat(2000) + "\nshort\n", StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file)) {
            LineReader reader = new LineReader(channel, 0, StandardCharsets.UTF_8, 100);
            assertEquals(new Line(0, 2001, "x".repeat(100), true, false), reader.next());
            assertEquals(new Line(2001, 2007, "short", false, true), reader.next());
        }
    }

    private Path write(String name, String text, Charset charset) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(charset));
        return file;
    }
}
