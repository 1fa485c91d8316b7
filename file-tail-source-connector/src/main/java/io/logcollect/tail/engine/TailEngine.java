package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.multiline.LineGrouper;
import io.logcollect.tail.read.Line;
import io.logcollect.tail.read.LineReader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Tails the files of a set of entries: discovers them by scanning globs, follows each by identity through
 * renames, detects truncation, cuts lines and multiline groups, and hands out {@link LogEvent}s in file
 * order. It knows nothing of Kafka Connect: positions come from a {@link PositionStore} and go out with
 * every event; the caller decides when they are durable.
 *
 * <p>Not thread-safe: one thread polls; {@link #close()} may come from another thread only after polling
 * stopped.
 */
public final class TailEngine implements Closeable {

    private final TailSettings settings;
    private final PositionStore store;
    private final TailListener listener;
    private final LongSupplier clock;
    private final List<EntryState> entries = new ArrayList<>();
    /** Open files, least recently active first. */
    private final LinkedHashMap<TrackedFile, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);
    private final TailStats stats = new TailStats();
    private long nextScanAt;
    private int roundRobin;

    public TailEngine(TailSettings settings, List<CollectionEntry> entries, PositionStore store,
                      TailListener listener, LongSupplier clock) {
        this.settings = settings;
        this.store = store;
        this.listener = listener;
        this.clock = clock;
        for (CollectionEntry entry : entries) {
            if (entry.enabled()) {
                this.entries.add(new EntryState(entry, settings.allowed()));
            }
        }
    }

    public TailStats stats() {
        return stats;
    }

    /**
     * Up to {@code maxEvents} events, scanning first when a scan is due. Returns an empty list when no file
     * has a complete new line; the caller waits before polling again.
     */
    public List<LogEvent> poll(int maxEvents) throws IOException {
        long now = clock.getAsLong();
        if (now >= nextScanAt) {
            scan(now);
            nextScanAt = now + settings.scanIntervalMs();
        }
        List<LogEvent> events = new ArrayList<>();
        List<TrackedFile> reading = new ArrayList<>(open.keySet());
        int count = reading.size();
        for (int i = 0; i < count && events.size() < maxEvents; i++) {
            TrackedFile file = reading.get((roundRobin + i) % count);
            if (file.isOpen()) {
                read(file, events, maxEvents, now);
            }
        }
        roundRobin = count == 0 ? 0 : (roundRobin + 1) % count;
        expireAndClose(events, now);
        stats.filesOpen = open.size();
        return events;
    }

    /** Reads a file's new lines into events, handling truncation; false when it is at its end. */
    private void read(TrackedFile file, List<LogEvent> events, int maxEvents, long now) throws IOException {
        long size;
        try {
            size = file.channel.size();
        } catch (IOException e) {
            listener.fileError(file.entry.entry().id(), file.path.toString(), "cannot be read: " + e.getMessage());
            closeFile(file);
            return;
        }
        if (size < file.reader.readOffset()) {
            truncated(file, now);
            if (!file.isOpen()) {
                return;
            }
        }
        while (events.size() < maxEvents) {
            Line line = file.reader.next();
            if (line == null) {
                return;
            }
            file.lastActivityMillis = now;
            stats.bytes += line.nextOffset() - line.offset();
            stats.lines++;
            for (LineGrouper.Group group : file.grouper.add(line, now)) {
                events.add(event(file, group, now));
            }
        }
    }

    private void truncated(TrackedFile file, long now) throws IOException {
        stats.truncations++;
        listener.truncated(file.entry.entry().id(), file.path.toString());
        Optional<FileIdentity> current = FileIdentity.of(file.identity.fileKey(), file.channel,
                settings.fingerprintBytes(), false);
        if (current.isPresent() && current.get().equals(file.identity)) {
            file.restartAfterTruncation(settings.hostName());
            file.lastActivityMillis = now;
        } else {
            forget(file);
            nextScanAt = now;
        }
    }

    private LogEvent event(TrackedFile file, LineGrouper.Group group, long now) {
        file.deliveredPosition = group.nextOffset();
        stats.events++;
        return new LogEvent(file.entry.entry(), file.path.toString(), file.identity.key(),
                new FilePosition(group.nextOffset(), file.epoch, file.entry.appliedAt), group.offset(),
                group.text(), group.multiline(), group.truncated(), now, file.eventIds.idAt(group.offset()));
    }

    /** Flushes timed-out multiline groups, finishes orphaned files, closes inactive handles. */
    private void expireAndClose(List<LogEvent> events, long now) throws IOException {
        for (EntryState entry : entries) {
            for (TrackedFile file : new ArrayList<>(entry.files.values())) {
                LineGrouper.Group expired = file.grouper.expire(now);
                if (expired != null) {
                    events.add(event(file, expired, now));
                }
                if (now - file.lastActivityMillis >= settings.closeInactiveMs()) {
                    if (file.orphan) {
                        finish(file, events, now);
                    } else if (file.isOpen()) {
                        closeFile(file);
                    }
                }
            }
        }
    }

    /** A file that left the globs and stopped growing: its partial last line and held-back group go out. */
    private void finish(TrackedFile file, List<LogEvent> events, long now) throws IOException {
        if (file.isOpen()) {
            for (Line line; (line = file.reader.remainder()) != null; ) {
                for (LineGrouper.Group group : file.grouper.add(line, now)) {
                    events.add(event(file, group, now));
                }
            }
        }
        LineGrouper.Group last = file.grouper.finish();
        if (last != null) {
            events.add(event(file, last, now));
        }
        forget(file);
    }

    private void forget(TrackedFile file) {
        closeFile(file);
        file.entry.files.remove(file.identity.key());
        file.entry.paths.values().removeIf(p -> file.identity.key().equals(p.identityKey()));
    }

    private void closeFile(TrackedFile file) {
        open.remove(file);
        file.close();
    }

    /** Opens a file within the open-file cap, closing the least recently active idle one if needed. */
    private void openFile(TrackedFile file, long now) {
        if (file.isOpen()) {
            return;
        }
        if (open.size() >= settings.maxOpenFiles()) {
            TrackedFile idle = null;
            for (TrackedFile candidate : open.keySet()) {
                if (candidate.reader.position() >= candidate.sizeSeen) {
                    idle = candidate;
                    break;
                }
            }
            if (idle == null) {
                return;
            }
            closeFile(idle);
        }
        try {
            file.open(FileChannel.open(file.path, StandardOpenOption.READ));
            open.put(file, Boolean.TRUE);
            file.lastActivityMillis = now;
        } catch (IOException e) {
            if (!(e instanceof NoSuchFileException)) {
                listener.fileError(file.entry.entry().id(), file.path.toString(), "cannot be opened: " + e.getMessage());
            }
        }
    }

    private void scan(long now) throws IOException {
        long lag = 0;
        for (EntryState entry : entries) {
            scan(entry, now);
            for (TrackedFile file : entry.files.values()) {
                lag += file.lag();
            }
        }
        stats.bytesBehind = lag;
        stats.filesTracked = entries.stream().mapToInt(e -> e.files.size()).sum();
    }

    private void scan(EntryState entry, long now) throws IOException {
        String entryId = entry.entry().id();
        var found = entry.scanner.scan(now, (path, reason) -> reportOnce(entry, path.toString(), reason));
        Set<String> seen = new HashSet<>();
        Map<String, NewFile> newFiles = new LinkedHashMap<>();
        List<TrackedFile> toOpen = new ArrayList<>();
        for (var foundFile : found.values()) {
            Path path = foundFile.path();
            String fileKey;
            try {
                fileKey = FileIdentity.fileKey(path);
            } catch (IOException e) {
                continue;
            }
            EntryState.PathState known = entry.paths.get(path);
            TrackedFile tracked = known != null && known.fileKey().equals(fileKey) && known.identityKey() != null
                    ? entry.files.get(known.identityKey()) : null;
            if (tracked == null) {
                Optional<FileIdentity> identity = identify(path, fileKey, entry);
                if (identity.isEmpty()) {
                    continue;
                }
                tracked = entry.files.get(identity.get().key());
                entry.paths.put(path, new EntryState.PathState(fileKey, identity.get().key(), foundFile.modifiedMillis()));
                if (tracked == null) {
                    if (!seen.contains(identity.get().key())) {
                        newFiles.put(identity.get().key(), new NewFile(identity.get(), foundFile));
                    }
                    seen.add(identity.get().key());
                    continue;
                }
                if (!tracked.path.equals(path) && !seen.contains(tracked.identity.key())) {
                    stats.renames++;
                    listener.renamed(entryId, tracked.path.toString(), path.toString());
                    tracked.path = path;
                }
            } else if (known.modifiedMillis() != foundFile.modifiedMillis()) {
                entry.paths.put(path, new EntryState.PathState(fileKey, known.identityKey(), foundFile.modifiedMillis()));
                if (replaced(tracked, path, fileKey)) {
                    entry.paths.remove(path);
                    continue;
                }
            }
            seen.add(tracked.identity.key());
            tracked.orphan = false;
            tracked.sizeSeen = foundFile.size();
            if (!tracked.isOpen() && foundFile.size() != tracked.readPosition) {
                toOpen.add(tracked);
            }
        }
        entry.paths.keySet().retainAll(found.keySet());
        for (TrackedFile file : entry.files.values()) {
            if (!seen.contains(file.identity.key())) {
                file.orphan = true;
            }
        }
        toOpen.addAll(track(entry, newFiles, now));
        for (TrackedFile file : toOpen) {
            openFile(file, now);
        }
    }

    private record NewFile(FileIdentity identity, io.logcollect.tail.discover.FileScanner.Found found) {
    }

    /** Starts tracking files not seen before, at their stored position or per {@code start_at}. */
    private List<TrackedFile> track(EntryState entry, Map<String, NewFile> newFiles, long now) throws IOException {
        boolean firstScan = entry.appliedAt == null;
        Map<String, FilePosition> stored = newFiles.isEmpty() && !firstScan ? Map.of()
                : store.positions(entry.entry().id(), newFiles.keySet());
        Long appliedBefore = stored.values().stream().map(FilePosition::appliedAt).filter(a -> a > 0)
                .min(Long::compare).orElse(null);
        if (firstScan) {
            entry.appliedAt = appliedBefore != null ? appliedBefore : now;
        }
        List<TrackedFile> created = new ArrayList<>();
        for (NewFile file : newFiles.values()) {
            FilePosition position = stored.get(file.identity().key());
            long start;
            int epoch = 0;
            if (position != null) {
                start = position.position();
                epoch = position.epoch();
                if (file.found().size() < start) {
                    listener.truncated(entry.entry().id(), file.found().path().toString());
                    stats.truncations++;
                    start = 0;
                    epoch++;
                }
            } else if (firstScan && (appliedBefore != null ? file.found().modifiedMillis() < appliedBefore
                    : entry.entry().startAt() == CollectionEntry.StartAt.END)) {
                start = endOfLastLine(file.found().path(), entry.entry().encoding());
            } else {
                start = 0;
            }
            TrackedFile tracked = new TrackedFile(entry, file.identity(), file.found().path(), start, epoch,
                    settings.hostName(), now);
            tracked.sizeSeen = file.found().size();
            entry.files.put(file.identity().key(), tracked);
            created.add(tracked);
        }
        return created;
    }

    /** Whether a tracked file whose modification time changed now holds other content (truncated and rewritten). */
    private boolean replaced(TrackedFile tracked, Path path, String fileKey) throws IOException {
        Optional<FileIdentity> now = identify(path, fileKey, tracked.entry);
        if (now.isEmpty() || !now.get().equals(tracked.identity)) {
            stats.truncations++;
            listener.truncated(tracked.entry.entry().id(), path.toString());
            forget(tracked);
            return true;
        }
        return false;
    }

    private Optional<FileIdentity> identify(Path path, String fileKey, EntryState entry) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return FileIdentity.of(fileKey, channel, settings.fingerprintBytes(), false);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            reportOnce(entry, path.toString(), "cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The offset just after the last line terminator of a file: where {@code start_at: end} begins. */
    static long endOfLastLine(Path path, Charset charset) throws IOException {
        byte[] newline = LineReader.terminator(charset);
        byte last = newline.length == 1 ? newline[0] : (byte) -1;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            int unit = newline.length;
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (long end = size; end > 0; ) {
                long from = Math.max(0, end - chunk.capacity());
                chunk.clear().limit((int) (end - from));
                while (chunk.hasRemaining() && channel.read(chunk, from + chunk.position()) > 0) {
                    // fill the chunk
                }
                byte[] bytes = chunk.array();
                for (int i = (int) (end - from) - 1; i >= 0; i--) {
                    if (unit == 1 ? bytes[i] == last : endsNewline(bytes, i, from, unit, newline)) {
                        return from + i + 1;
                    }
                }
                end = from;
            }
            return 0;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static boolean endsNewline(byte[] bytes, int lastIndex, long from, int unit, byte[] newline) {
        int first = lastIndex - unit + 1;
        if (first < 0 || (from + first) % unit != 0) {
            return false;
        }
        for (int j = 0; j < unit; j++) {
            if (bytes[first + j] != newline[newline.length - unit + j]) {
                return false;
            }
        }
        return true;
    }

    private void reportOnce(EntryState entry, String path, String reason) {
        if (entry.reportedErrors.add(path + "\n" + reason)) {
            stats.errors++;
            listener.fileError(entry.entry().id(), path, reason);
        }
    }

    /** Every file's handle is closed; nothing is emitted. */
    @Override
    public void close() {
        for (TrackedFile file : new ArrayList<>(open.keySet())) {
            closeFile(file);
        }
        open.clear();
    }
}
