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
            assertEquals(new Line(0, 5, "one", false), reader.next());
            assertEquals(new Line(5, 9, "two", false), reader.next());
            assertNull(reader.next());
            assertEquals(9, reader.position());
            Files.writeString(file, "ee\n", StandardOpenOption.APPEND);
            assertEquals(new Line(9, 15, "three", false), reader.next());
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
            assertEquals(new Line(300_001, 300_006, "next", false), reader.next());
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
            assertEquals(List.of(new Line(0, 5, "done", false), new Line(5, 9, "half", false)), lines);
        }
    }

    private Path write(String name, String text, Charset charset) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(charset));
        return file;
    }
}
