package io.logcollect.testkit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The log file the throughput benchmarks read: numbered lines of one fixed size, like a busy access log. */
public final class BenchmarkLines {

    private BenchmarkLines() {
    }

    /** Writes {@code lines} lines of {@code lineBytes} bytes each (newline included) to {@code file}. */
    public static void write(Path file, int lines, int lineBytes) throws IOException {
        String padding = "x".repeat(lineBytes);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < lines; i++) {
                String head = "2026-11-24T10:00:00.000Z INFO request " + i + " ";
                out.write(head);
                out.write(padding, 0, lineBytes - 1 - head.length());
                out.write('\n');
            }
        }
    }
}
