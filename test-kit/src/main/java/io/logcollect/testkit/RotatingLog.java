package io.logcollect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application writing numbered lines ({@code <name> <seq> generation <g> ...}) to {@code app.log} at a steady
 * rate, and logrotate renaming it to {@code app.log.1} at a fixed interval, which deletes the {@code app.log.1}
 * before it ({@code rotate 1}). It knows which generation (file) each line went to.
 */
public final class RotatingLog {

    private final Path dir;
    private final String name;
    private final int linesPerSecond;
    private final Duration rotateEvery;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** The first sequence number of each generation, by generation. */
    private final List<Long> generationStarts = new ArrayList<>();
    private volatile long written;

    public RotatingLog(Path dir, String name, int linesPerSecond, Duration rotateEvery) {
        this.dir = dir;
        this.name = name;
        this.linesPerSecond = linesPerSecond;
        this.rotateEvery = rotateEvery;
        this.thread = new Thread(this::run, "rotating-log-" + name);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        long nextRotation = started + rotateEvery.toNanos();
        long seq = 0;
        Writer writer = null;
        try {
            while (running.get()) {
                if (writer == null) {
                    synchronized (generationStarts) {
                        generationStarts.add(seq);
                    }
                    writer = Files.newBufferedWriter(dir.resolve("app.log"), StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                long due = (System.nanoTime() - started) * linesPerSecond / 1_000_000_000L;
                for (; seq < due; seq++) {
                    writer.write(String.format("%s %d generation %d of the application log, padded to look like"
                            + " a real line%n", name, seq, generationStarts.size() - 1));
                }
                writer.flush();
                written = seq;
                if (System.nanoTime() >= nextRotation) {
                    writer.close();
                    writer = null;
                    Files.move(dir.resolve("app.log"), dir.resolve("app.log.1"), StandardCopyOption.REPLACE_EXISTING);
                    nextRotation += rotateEvery.toNanos();
                }
                Thread.sleep(10);
            }
            if (writer != null) {
                writer.close();
            }
        } catch (IOException | InterruptedException e) {
            failure.set(e);
        }
    }

    /** Stops writing; fails if the writer failed. */
    public void stop() {
        running.set(false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new UncheckedIOException(new IOException("the log writer failed", failure.get()));
        }
    }

    /** How many lines were written so far: they are numbered 0 to this, exclusive. */
    public long written() {
        return written;
    }

    /** The generation being written now (0 is the first file). */
    public int generation() {
        synchronized (generationStarts) {
            return generationStarts.size() - 1;
        }
    }

    /** The generation (file) line {@code seq} went to. */
    public int generationOf(long seq) {
        synchronized (generationStarts) {
            for (int g = generationStarts.size() - 1; g >= 0; g--) {
                if (seq >= generationStarts.get(g)) {
                    return g;
                }
            }
            return 0;
        }
    }

    /** The sequence number of a line this log wrote: {@code <name> <seq> ...}. */
    public static long sequence(String line) {
        int from = line.indexOf(' ') + 1;
        return Long.parseLong(line.substring(from, line.indexOf(' ', from)));
    }
}
