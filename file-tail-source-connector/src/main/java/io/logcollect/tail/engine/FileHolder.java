package io.logcollect.tail.engine;

import io.logcollect.tail.access.ConfinedFiles;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.read.LineReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The file handles an engine holds, and the account of what it had to let go (DESIGN.md section 4). A handle
 * keeps a file's bytes readable after it is renamed out of the globs or deleted, for as long as the agent holds
 * it: while Kafka is away that is how lines outlive logrotate. Two bounds keep this finite: {@code max.open.files}
 * handles, and {@code max.held.bytes} unread bytes of orphaned files (renamed out of the globs or deleted, which a
 * handle cannot tell apart). When a bound forces the agent to let go of unread bytes it lets go of the oldest
 * orphan first and counts exactly what is lost: bytes, lines, and the file.
 */
final class FileHolder {

    /** How many of the latest losses the stats name. */
    private static final int RECENT_LOSSES = 10;

    private final TailSettings settings;
    private final ConfinedFiles confined;
    private final TailStats stats;
    private final TailListener listener;
    /** Candidates held open by discovery count against {@code max.open.files} too. */
    private final IntSupplier candidates;
    /** Open files, least recently opened first. */
    private final LinkedHashMap<TrackedFile, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);
    private final List<TailStats.FileLoss> recentLosses = new ArrayList<>();

    FileHolder(TailSettings settings, TailStats stats, TailListener listener, IntSupplier candidates) {
        this.settings = settings;
        this.confined = new ConfinedFiles(settings.allowed());
        this.stats = stats;
        this.listener = listener;
        this.candidates = candidates;
    }

    /** The open files, least recently opened first. */
    List<TrackedFile> openFiles() {
        return new ArrayList<>(open.keySet());
    }

    int openCount() {
        return open.size();
    }

    /** Whether one more handle stays within {@code max.open.files}. */
    boolean hasRoom() {
        return open.size() + candidates.getAsInt() < settings.maxOpenFiles();
    }

    /**
     * Opens a tracked file at its path within the open-file cap. Returns false when there is no room (it is opened
     * by a later scan) or the path names another file now (the next scan finds this one where it went).
     *
     * @throws IOException when the file cannot be opened
     */
    boolean open(TrackedFile file, long now) throws IOException {
        if (file.isOpen()) {
            return true;
        }
        if (!makeRoomForOne(now)) {
            return false;
        }
        try {
            file.open(openAt(file.path, file.identity.fileKey()));
        } catch (NoSuchFileException e) {
            file.entry.scanDue = true;
            return false;
        }
        open.put(file, Boolean.TRUE);
        file.lastActivityMillis = now;
        return true;
    }

    /** Holds a channel discovery already opened. */
    void hold(TrackedFile file, FileChannel channel) {
        file.open(channel);
        open.put(file, Boolean.TRUE);
    }

    void close(TrackedFile file) {
        open.remove(file);
        file.close();
    }

    /**
     * Room for one more handle: an idle file read to its end is closed (it is opened again when it grows); else the
     * oldest orphan is let go, its unread bytes counted as lost. Files that the globs still match are never closed
     * with unread bytes: they wait on disk, and the new file waits for room.
     */
    private boolean makeRoomForOne(long now) {
        if (hasRoom()) {
            return true;
        }
        for (TrackedFile candidate : open.keySet()) {
            if (!candidate.orphan && unread(candidate) == 0 && !candidate.grouper.pending()) {
                close(candidate);
                return true;
            }
        }
        for (TrackedFile orphan : open.keySet()) {
            if (orphan.orphan) {
                letGo(orphan, "max.open.files (" + settings.maxOpenFiles() + ") was reached", now);
                return true;
            }
        }
        return false;
    }

    /** Unread bytes of the orphaned files held open: what only the agent's handles keep alive. */
    long heldBytes() {
        long held = 0;
        for (TrackedFile file : open.keySet()) {
            if (file.orphan) {
                held += unread(file);
            }
        }
        return held;
    }

    /**
     * Lets go of orphans, oldest first, until what they hold unread is within {@code max.held.bytes}. Returns the
     * files let go: the caller stops tracking them.
     */
    List<TrackedFile> enforceHeldBytes(long now) {
        long held = heldBytes();
        stats.heldBytes = held;
        List<TrackedFile> letGo = new ArrayList<>();
        if (held <= settings.maxHeldBytes()) {
            return letGo;
        }
        List<TrackedFile> orphans = new ArrayList<>();
        for (TrackedFile file : open.keySet()) {
            if (file.orphan && unread(file) > 0) {
                orphans.add(file);
            }
        }
        orphans.sort((a, b) -> Long.compare(a.discovered, b.discovered));
        for (TrackedFile orphan : orphans) {
            if (held <= settings.maxHeldBytes()) {
                break;
            }
            held -= unread(orphan);
            letGo(orphan, "max.held.bytes (" + settings.maxHeldBytes() + ") was reached while its lines could not"
                    + " be sent", now);
            letGo.add(orphan);
        }
        stats.heldBytes = held;
        return letGo;
    }

    /** Closes an open file for good, counting its unread bytes and lines as lost. */
    private void letGo(TrackedFile file, String why, long now) {
        long from = file.reader.position();
        long bytes;
        long lines;
        try {
            long size = file.channel.size();
            bytes = Math.max(0, size - from);
            lines = countLines(file, from, size);
        } catch (IOException e) {
            bytes = Math.max(0, file.sizeSeen - from);
            lines = -1;
        }
        close(file);
        file.letGo = true;
        lost(file, bytes, lines, why, now);
    }

    /**
     * A tracked file that went away while the agent did not hold it open: the bytes it had unread when last seen
     * are lost; how many lines they held is not known.
     */
    void lostWhileClosed(TrackedFile file, long now) {
        if (file.letGo) {
            return;
        }
        long bytes = Math.max(0, file.sizeSeen - file.readPosition);
        if (bytes > 0) {
            lost(file, bytes, -1, "it went away while it was not open", now);
        }
    }

    private void lost(TrackedFile file, long bytes, long lines, String why, long now) {
        if (bytes == 0) {
            return;
        }
        stats.lostBytes += bytes;
        if (lines > 0) {
            stats.lostLines += lines;
        }
        synchronized (recentLosses) {
            recentLosses.add(new TailStats.FileLoss(file.path.toString(), bytes, lines, now));
            if (recentLosses.size() > RECENT_LOSSES) {
                recentLosses.remove(0);
            }
            stats.recentLosses = List.copyOf(recentLosses);
        }
        listener.lost(file.entry.entry().id(), file.path.toString(), bytes, lines, file.orphan
                ? why + " (the path is the file's last in the globs; it was renamed out of them or deleted since)"
                : why);
    }

    /** Lines in {@code [from, to)} of a file, a last line without terminator included. */
    private static long countLines(TrackedFile file, long from, long to) throws IOException {
        byte[] terminator = LineReader.terminator(file.entry.entry().encoding());
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long lines = 0;
        int matched = 0;
        boolean open = false;
        for (long at = from; at < to; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
            int read = file.channel.read(buffer, at);
            if (read <= 0) {
                break;
            }
            byte[] bytes = buffer.array();
            for (int i = 0; i < read; i++) {
                long offset = at + i;
                matched = bytes[i] == terminator[matched] && (matched > 0 || (offset - from) % terminator.length == 0)
                        ? matched + 1 : 0;
                open = true;
                if (matched == terminator.length) {
                    lines++;
                    matched = 0;
                    open = false;
                }
            }
            at += read;
        }
        return open ? lines + 1 : lines;
    }

    private static long unread(TrackedFile file) {
        try {
            return Math.max(0, file.channel.size() - file.reader.position());
        } catch (IOException e) {
            return Math.max(0, file.sizeSeen - file.reader.position());
        }
    }

    /**
     * Opens the file at {@code path} if the path still names the file {@code fileKey}. A path is looked up, then
     * opened: in between, a rotation can rename the file away and put the next one in its place, and reading
     * that one under this file's identity would send it twice and this one never. The path is looked up again
     * once the file is open: two looks that agree around the open mean it opened this file, since a rotated file
     * does not come back to its old name.
     *
     * @throws NoSuchFileException when the path names another file now, or none: the next scan finds this file
     */
    FileChannel openAt(Path path, String fileKey) throws IOException {
        FileChannel channel = confined.open(path);
        boolean same;
        try {
            same = fileKey.equals(FileIdentity.fileKey(path));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        if (!same) {
            closeQuietly(channel);
            throw new NoSuchFileException(path.toString(), null, "the path names another file now");
        }
        return channel;
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only handle loses nothing
        }
    }

    /** Closes every handle; nothing is counted. */
    void closeAll() {
        for (TrackedFile file : new ArrayList<>(open.keySet())) {
            close(file);
        }
        open.clear();
    }
}
