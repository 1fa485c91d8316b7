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
    volatile long heldBytes;
    volatile long lostBytes;
    volatile long lostLines;
    volatile List<FileLoss> recentLosses = List.of();
    volatile long outputBlockedSinceMillis;

    /** A file and how many of its bytes are not read yet. */
    public record FileLag(String path, long bytes) {
    }

    /**
     * Bytes of a file the agent had to let go unread, and how many lines they held (-1 when not known).
     *
     * @param atMillis when
     */
    public record FileLoss(String path, long bytes, long lines, long atMillis) {
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

    /** Unread bytes of orphaned files (renamed out of the globs or deleted) that only the agent's handles keep. */
    public long heldBytes() {
        return heldBytes;
    }

    /** Bytes the agent had to let go unread since it started (DESIGN.md section 4). */
    public long lostBytes() {
        return lostBytes;
    }

    /** Lines among {@link #lostBytes()}, where they could be counted. */
    public long lostLines() {
        return lostLines;
    }

    /** The latest files let go with bytes unread, oldest first (at most ten). */
    public List<FileLoss> recentLosses() {
        return recentLosses;
    }

    /** Since when the lines read could not be handed on (the output blocked), or 0 while they flow. */
    public long outputBlockedSinceMillis() {
        return outputBlockedSinceMillis;
    }

    /** Set by the caller, which alone sees whether lines can be sent. */
    public void outputBlockedSince(long millis) {
        outputBlockedSinceMillis = millis;
    }

    /** Files that failed to be read and wait to be tried again. */
    public int filesFailing() {
        return filesFailing;
    }
}
