package io.logcollect.tail.engine;

import java.util.List;

/**
 * Counters of one engine, written by its polling thread and read by metrics reporters (a stale read of a
 * counter is harmless).
 */
public final class TailStats {

    volatile long lines;
    volatile long events;
    volatile long bytes;
    volatile long renames;
    volatile long truncations;
    volatile long errors;
    volatile long bytesBehind;
    volatile int filesOpen;
    volatile int filesTracked;
    volatile int filesFailing;
    volatile String lastError;
    volatile List<FileLag> mostBehind = List.of();

    /** A file and how many of its bytes are not read yet. */
    public record FileLag(String path, long bytes) {
    }

    public long lines() {
        return lines;
    }

    public long events() {
        return events;
    }

    public long bytes() {
        return bytes;
    }

    public long renames() {
        return renames;
    }

    public long truncations() {
        return truncations;
    }

    public long errors() {
        return errors;
    }

    /** Bytes in tracked files not yet delivered, as of the last scan. */
    public long bytesBehind() {
        return bytesBehind;
    }

    public int filesOpen() {
        return filesOpen;
    }

    public int filesTracked() {
        return filesTracked;
    }

    /** The last file or entry error reported, as logged; null before the first. */
    public String lastError() {
        return lastError;
    }

    /** The files most behind, most first, as of the last scan (at most five). */
    public List<FileLag> mostBehind() {
        return mostBehind;
    }

    /** Files that failed to be read and wait to be tried again. */
    public int filesFailing() {
        return filesFailing;
    }
}
