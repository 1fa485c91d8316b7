package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.policy.TimestampRule;
import io.logcollect.tail.access.ConfinedFiles;
import io.logcollect.tail.discover.DirectoryWatch;
import io.logcollect.tail.discover.FileScanner;
import io.logcollect.tail.identity.ContentCheck;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.multiline.LineGrouper;
import io.logcollect.tail.read.Line;
import io.logcollect.tail.read.LineReader;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Tails the files of a set of entries: discovers them by scanning globs (and, between scans, through
 * directory watches), follows each by identity through renames, detects truncation and replacement, cuts
 * lines and multiline groups, and hands out {@link LogEvent}s in file order, each file getting a fair share
 * of every poll. It knows nothing of Kafka Connect: positions come from a {@link PositionStore} and go out
 * with every event, and what must be remembered per entry goes out as {@link EntryCheckpoint}s; the caller
 * decides when they are durable.
 *
 * <p>A file that fails to be read is closed and tried again with a growing backoff while the others go on.
 *
 * <p>Not thread-safe: one thread polls; {@link #close()} may come from another thread only after polling
 * stopped.
 */
public final class TailEngine implements Closeable {

    /** A file whose stored position is to be deleted: not found for {@code clean.removed.ms}. */
    public record ExpiredFile(String entryId, String fileKey) {
    }

    /** What the caller must store beside the events: entry checkpoints, and positions to delete. */
    public record Bookkeeping(List<EntryCheckpoint> checkpoints, List<ExpiredFile> expired) {
        public boolean isEmpty() {
            return checkpoints.isEmpty() && expired.isEmpty();
        }
    }

    /** How many of the files most behind the stats name. */
    private static final int MOST_BEHIND = 5;

    private final TailSettings settings;
    private final PositionStore store;
    private final TailListener listener;
    private final LongSupplier clock;
    private final ConfinedFiles confined;
    private final DirectoryWatch watch;
    private final List<EntryState> entries = new ArrayList<>();
    /** Open files, least recently opened first. */
    private final LinkedHashMap<TrackedFile, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);
    private final TailStats stats = new TailStats();
    private final List<ExpiredFile> expired = new ArrayList<>();
    private long nextScanAt;
    private int roundRobin;

    /**
     * @param onNewFiles called from another thread when a watched directory gained a file: the caller should
     *                   poll soon
     */
    public TailEngine(TailSettings settings, List<CollectionEntry> entries, PositionStore store,
                      TailListener listener, LongSupplier clock, Runnable onNewFiles) {
        this.settings = settings;
        this.store = store;
        this.listener = listener;
        this.clock = clock;
        this.confined = new ConfinedFiles(settings.allowed());
        for (CollectionEntry entry : entries) {
            if (entry.enabled()) {
                this.entries.add(new EntryState(entry, settings.allowed(), settings.scanMaxEntries()));
            }
        }
        this.watch = settings.watchDirectories() && !this.entries.isEmpty()
                ? new DirectoryWatch("logcollect-tail-watch", onNewFiles, listener::problem) : null;
    }

    public TailStats stats() {
        return stats;
    }

    /**
     * Up to about {@code maxEvents} events, scanning first when a scan is due. Returns an empty list when no
     * file has a complete new line; the caller waits before polling again.
     */
    public List<LogEvent> poll(int maxEvents) {
        long now = clock.getAsLong();
        List<LogEvent> events = new ArrayList<>();
        if (watch != null) {
            Set<Path> changed = watch.drainChanged();
            for (EntryState entry : entries) {
                if (!changed.isEmpty() && entry.directories.stream().anyMatch(changed::contains)) {
                    entry.scanDue = true;
                }
            }
        }
        boolean scanned = false;
        for (EntryState entry : entries) {
            if (now >= nextScanAt || entry.scanDue) {
                scanSafely(entry, events, now);
                scanned = true;
            }
        }
        if (now >= nextScanAt) {
            nextScanAt = now + settings.scanIntervalMs();
        }
        if (scanned) {
            updateWatchAndStats();
        }
        identifyCandidates(now);
        readFairly(events, maxEvents, now);
        expireAndClose(events, now);
        stats.filesOpen = open.size() + candidateCount();
        return events;
    }

    /** The entry checkpoints that changed and the positions to delete since the last call. */
    public Bookkeeping bookkeeping() {
        List<EntryCheckpoint> checkpoints = new ArrayList<>();
        for (EntryState entry : entries) {
            if (entry.checkpointDirty && entry.appliedAt != null) {
                checkpoints.add(entry.checkpoint());
                entry.checkpointDirty = false;
            }
        }
        Bookkeeping bookkeeping = new Bookkeeping(checkpoints, List.copyOf(expired));
        expired.clear();
        return bookkeeping;
    }

    /** Each open file reads up to an equal share of the poll first; the rest goes to files that still have lines. */
    private void readFairly(List<LogEvent> events, int maxEvents, long now) {
        List<TrackedFile> reading = new ArrayList<>(open.keySet());
        int count = reading.size();
        if (count == 0) {
            roundRobin = 0;
            return;
        }
        int share = Math.max(1, (maxEvents + count - 1) / count);
        List<TrackedFile> more = new ArrayList<>();
        for (int i = 0; i < count && events.size() < maxEvents; i++) {
            TrackedFile file = reading.get((roundRobin + i) % count);
            if (file.isOpen() && readSafely(file, events, Math.min(maxEvents, events.size() + share), now)) {
                more.add(file);
            }
        }
        for (TrackedFile file : more) {
            if (events.size() >= maxEvents) {
                break;
            }
            if (file.isOpen()) {
                readSafely(file, events, maxEvents, now);
            }
        }
        roundRobin = (roundRobin + 1) % count;
    }

    /** Reads a file; a failure closes it until its retry time and leaves the other files alone. */
    private boolean readSafely(TrackedFile file, List<LogEvent> events, int limit, long now) {
        try {
            return read(file, events, limit, now);
        } catch (IOException | UncheckedIOException e) {
            failed(file, "cannot be read", e, now);
            return false;
        }
    }

    /** Reads a file's new lines into events up to {@code limit}; true when it stopped at the limit. */
    private boolean read(TrackedFile file, List<LogEvent> events, int limit, long now) throws IOException {
        long size = file.channel.size();
        boolean rewritten = file.checkBeforeReading && !file.check.holds(file.channel);
        file.checkBeforeReading = false;
        if (rewritten || size < file.reader.readOffset()) {
            truncated(file, events, now);
            if (!file.isOpen()) {
                return false;
            }
        }
        List<LineGrouper.Group> groups = new ArrayList<>();
        boolean atLimit = true;
        while (events.size() + groups.size() < limit) {
            Line line = file.reader.next();
            if (line == null) {
                recovered(file);
                atLimit = false;
                break;
            }
            file.lastActivityMillis = now;
            stats.bytes += line.nextOffset() - line.offset();
            stats.lines++;
            groups.addAll(file.grouper.add(line, now));
        }
        if (!groups.isEmpty()) {
            file.updateCheck(settings.fingerprintBytes());
            for (LineGrouper.Group group : groups) {
                events.add(event(file, group, now));
            }
        }
        return atLimit;
    }

    private void failed(TrackedFile file, String what, Exception cause, long now) {
        closeFile(file);
        file.failed(now, cause);
        reportOnce(file.entry, file.path.toString(), what + ": " + message(cause) + "; it is tried again with a "
                + "growing backoff (up to " + TrackedFile.MAX_RETRY_BACKOFF.toSeconds() + " s) while the other files go on");
    }

    private void recovered(TrackedFile file) {
        if (file.failing()) {
            file.failures = null;
            String prefix = file.path + "\n";
            file.entry.reportedErrors.removeIf(reported -> reported.startsWith(prefix));
            listener.fileRecovered(file.entry.entry().id(), file.path.toString());
        }
    }

    /** A file found shorter than what was read: what was read of it goes out, then it starts over or goes. */
    private void truncated(TrackedFile file, List<LogEvent> events, long now) throws IOException {
        stats.truncations++;
        listener.truncated(file.entry.entry().id(), file.path.toString());
        Optional<FileIdentity> current = FileIdentity.of(file.identity.fileKey(), file.channel,
                settings.fingerprintBytes(), false);
        finishHeldBack(file, events, now);
        if (current.isPresent() && current.get().fingerprint().equals(file.identity.fingerprint())) {
            file.restartAfterTruncation(settings.hostName());
            file.lastActivityMillis = now;
        } else {
            forget(file, now);
            file.entry.scanDue = true;
        }
    }

    /** Emits what was read of a file and held back: buffered lines, a partial last line, a pending group. */
    private void finishHeldBack(TrackedFile file, List<LogEvent> events, long now) {
        if (file.isOpen()) {
            for (Line line : file.reader.drainBuffered()) {
                for (LineGrouper.Group group : file.grouper.add(line, now)) {
                    events.add(event(file, group, now));
                }
            }
        }
        LineGrouper.Group last = file.grouper.finish();
        if (last != null) {
            events.add(event(file, last, now));
        }
    }

    private LogEvent event(TrackedFile file, LineGrouper.Group group, long now) {
        file.deliveredPosition = group.nextOffset();
        stats.events++;
        long timestamp = now;
        LogEvent.TimestampSource source = LogEvent.TimestampSource.READ;
        Optional<TimestampRule> rule = file.entry.entry().timestamp();
        if (rule.isPresent()) {
            OptionalLong parsed = rule.get().parse(group.text(), now);
            source = parsed.isPresent() ? LogEvent.TimestampSource.LINE : LogEvent.TimestampSource.UNPARSED;
            timestamp = parsed.orElse(now);
        }
        return new LogEvent(file.entry.entry(), file.path.toString(), file.key(),
                new FilePosition(group.nextOffset(), file.epoch, file.entry.appliedAt, file.check), group.offset(),
                group.text(), group.multiline(), group.truncated(), now, file.eventIds.idAt(group.offset()),
                timestamp, source);
    }

    /** Flushes timed-out multiline groups, finishes orphaned files, closes inactive handles and candidates. */
    private void expireAndClose(List<LogEvent> events, long now) {
        for (EntryState entry : entries) {
            for (TrackedFile file : new ArrayList<>(entry.files.values())) {
                LineGrouper.Group expiredGroup = file.grouper.expire(now);
                if (expiredGroup != null) {
                    events.add(event(file, expiredGroup, now));
                }
                if (now - file.lastActivityMillis >= settings.closeInactiveMs()) {
                    if (file.orphan) {
                        finish(file, events, now);
                    } else if (file.isOpen()) {
                        closeFile(file);
                    }
                }
            }
            for (Iterator<EntryState.Candidate> it = entry.candidates.values().iterator(); it.hasNext(); ) {
                EntryState.Candidate candidate = it.next();
                if (now - candidate.openedAt >= settings.closeInactiveMs()) {
                    closeQuietly(candidate.channel);
                    it.remove();
                }
            }
        }
    }

    /** A file that left the globs and stopped growing: its partial last line and held-back group go out. */
    private void finish(TrackedFile file, List<LogEvent> events, long now) {
        if (file.isOpen()) {
            try {
                for (Line line; (line = file.reader.remainder()) != null; ) {
                    for (LineGrouper.Group group : file.grouper.add(line, now)) {
                        events.add(event(file, group, now));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                failed(file, "cannot be read to its end", e, now);
                return;
            }
        }
        LineGrouper.Group last = file.grouper.finish();
        if (last != null) {
            events.add(event(file, last, now));
        }
        forget(file, now);
    }

    /** Stops tracking a file; its position stays stored until it has not been found for clean.removed.ms. */
    private void forget(TrackedFile file, long now) {
        closeFile(file);
        EntryState entry = file.entry;
        entry.files.remove(file.key());
        entry.paths.values().removeIf(p -> file.key().equals(p.identityKey()));
        entry.ledger.put(file.key(), now);
        entry.checkpointDirty = true;
    }

    private void closeFile(TrackedFile file) {
        open.remove(file);
        file.close();
    }

    /** Opens a file within the open-file cap, closing the least recently opened idle one if needed. */
    private void openFile(TrackedFile file, long now) {
        if (file.isOpen() || !file.mayOpen(now) || !makeRoomForOne()) {
            return;
        }
        try {
            file.open(openAt(file.path, file.identity.fileKey()));
            open.put(file, Boolean.TRUE);
            file.lastActivityMillis = now;
        } catch (NoSuchFileException e) {
            file.entry.scanDue = true;
        } catch (IOException e) {
            failed(file, "cannot be opened", e, now);
        }
    }

    private boolean makeRoomForOne() {
        if (open.size() + candidateCount() < settings.maxOpenFiles()) {
            return true;
        }
        for (TrackedFile candidate : open.keySet()) {
            if (candidate.reader.position() >= candidate.sizeSeen && !candidate.grouper.pending()) {
                closeFile(candidate);
                return true;
            }
        }
        return false;
    }

    private int candidateCount() {
        int count = 0;
        for (EntryState entry : entries) {
            count += entry.candidates.size();
        }
        return count;
    }

    private void scanSafely(EntryState entry, List<LogEvent> events, long now) {
        entry.scanDue = false;
        try {
            scan(entry, events, now);
        } catch (UncheckedIOException e) {
            reportOnce(entry, entry.entry().paths().toString(), "cannot be scanned: " + message(e));
        }
    }

    private void updateWatchAndStats() {
        long lag = 0;
        int tracked = 0;
        int failing = 0;
        Set<Path> directories = new HashSet<>();
        List<TailStats.FileLag> behind = new ArrayList<>();
        for (EntryState entry : entries) {
            directories.addAll(entry.directories);
            tracked += entry.files.size();
            for (TrackedFile file : entry.files.values()) {
                lag += file.lag();
                if (file.lag() > 0) {
                    behind.add(new TailStats.FileLag(file.path.toString(), file.lag()));
                }
                if (file.failing()) {
                    failing++;
                }
            }
        }
        behind.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        stats.mostBehind = List.copyOf(behind.subList(0, Math.min(MOST_BEHIND, behind.size())));
        if (watch != null) {
            watch.watchOnly(directories);
        }
        stats.bytesBehind = lag;
        stats.filesTracked = tracked;
        stats.filesFailing = failing;
    }

    private record NewFile(FileIdentity identity, Path path, long size, long modifiedMillis, FileChannel channel) {
    }

    private void scan(EntryState entry, List<LogEvent> events, long now) {
        String entryId = entry.entry().id();
        FileScanner.Result result = entry.scanner.scan(now, (path, reason) -> reportOnce(entry, path.toString(), reason));
        entry.directories = result.directories();
        Set<String> seen = new HashSet<>();
        Map<String, NewFile> newFiles = new LinkedHashMap<>();
        List<TrackedFile> toOpen = new ArrayList<>();
        for (FileScanner.Found found : result.files().values()) {
            Path path = found.path();
            String fileKey;
            try {
                fileKey = FileIdentity.fileKey(path);
            } catch (IOException e) {
                continue;
            }
            EntryState.Candidate candidate = entry.candidates.get(fileKey);
            if (candidate != null) {
                candidate.path = path;
                continue;
            }
            EntryState.PathState known = entry.paths.get(path);
            TrackedFile tracked = known != null && known.fileKey().equals(fileKey) && known.identityKey() != null
                    ? entry.files.get(known.identityKey()) : null;
            if (tracked == null) {
                Optional<FileIdentity> identity = identify(path, fileKey, entry);
                if (identity.isEmpty()) {
                    holdCandidate(entry, path, fileKey, now);
                    continue;
                }
                tracked = trackedFor(entry, identity.get());
                if (tracked != null && !tracked.isOpen() && !holds(tracked, path)) {
                    replacedWhileClosed(tracked, path, events, now);
                    tracked = null;
                }
                if (tracked == null) {
                    FileIdentity distinct = entry.files.containsKey(identity.get().key())
                            ? identity.get().onDevice() : identity.get();
                    entry.paths.put(path, new EntryState.PathState(fileKey, distinct.key(), found.modifiedMillis()));
                    newFiles.putIfAbsent(distinct.key(),
                            new NewFile(distinct, path, found.size(), found.modifiedMillis(), null));
                    continue;
                }
                entry.paths.put(path, new EntryState.PathState(fileKey, tracked.key(), found.modifiedMillis()));
                if (!tracked.path.equals(path) && !seen.contains(tracked.key())) {
                    stats.renames++;
                    listener.renamed(entryId, tracked.path.toString(), path.toString());
                    tracked.path = path;
                }
            } else if (known.modifiedMillis() != found.modifiedMillis()) {
                entry.paths.put(path, new EntryState.PathState(fileKey, known.identityKey(), found.modifiedMillis()));
                boolean gone;
                try {
                    gone = replaced(tracked, path, fileKey, events, now);
                } catch (IOException | UncheckedIOException e) {
                    failed(tracked, "cannot be read", e, now);
                    gone = false;
                }
                if (gone) {
                    entry.paths.remove(path);
                    continue;
                }
            }
            seen.add(tracked.key());
            tracked.orphan = false;
            tracked.sizeSeen = found.size();
            if (!tracked.isOpen() && found.size() != tracked.readPosition) {
                toOpen.add(tracked);
            }
        }
        if (result.complete()) {
            entry.paths.keySet().retainAll(result.files().keySet());
            for (TrackedFile file : entry.files.values()) {
                if (!seen.contains(file.key())) {
                    file.orphan = true;
                }
            }
        }
        toOpen.addAll(track(entry, newFiles, now));
        for (TrackedFile file : toOpen) {
            openFile(file, now);
        }
        if (result.complete()) {
            for (String key : entry.forgetMissing(now, settings.cleanRemovedMs())) {
                expired.add(new ExpiredFile(entry.entry().id(), key));
            }
        }
    }

    /** The tracked file an identity belongs to: same key, same device and inode. */
    private static TrackedFile trackedFor(EntryState entry, FileIdentity identity) {
        for (String key : List.of(identity.key(), identity.onDevice().key())) {
            TrackedFile tracked = entry.files.get(key);
            if (tracked != null && tracked.identity.fileKey().equals(identity.fileKey())) {
                return tracked;
            }
        }
        return null;
    }

    /**
     * A tracked file whose modification time changed: true when it now holds other content (rewritten, or a
     * new file on its inode) and was let go.
     */
    private boolean replaced(TrackedFile tracked, Path path, String fileKey, List<LogEvent> events, long now)
            throws IOException {
        if (tracked.isOpen()) {
            if (!tracked.check.holds(tracked.channel)) {
                truncated(tracked, events, now);
            }
            return !tracked.entry.files.containsKey(tracked.key());
        }
        Optional<FileIdentity> current = identify(path, fileKey, tracked.entry);
        if (current.isPresent() && current.get().fingerprint().equals(tracked.identity.fingerprint())
                && holds(tracked, path)) {
            return false;
        }
        replacedWhileClosed(tracked, path, events, now);
        return true;
    }

    private void replacedWhileClosed(TrackedFile tracked, Path path, List<LogEvent> events, long now) {
        stats.truncations++;
        listener.truncated(tracked.entry.entry().id(), path.toString());
        finishHeldBack(tracked, events, now);
        forget(tracked, now);
    }

    /** Whether the file at a path still holds the bytes a tracked file's content check covers. */
    private boolean holds(TrackedFile tracked, Path path) {
        if (tracked.check.position() <= 0) {
            return true;
        }
        try (FileChannel channel = openAt(path, tracked.identity.fileKey())) {
            return tracked.check.holds(channel);
        } catch (IOException e) {
            return true;
        }
    }

    /** Holds a new file whose first line is incomplete open, so a quick rename cannot make it slip by. */
    private void holdCandidate(EntryState entry, Path path, String fileKey, long now) {
        if (entry.appliedAt == null || open.size() + candidateCount() >= settings.maxOpenFiles()) {
            return;
        }
        try {
            entry.candidates.put(fileKey, new EntryState.Candidate(path, openAt(path, fileKey), now));
        } catch (NoSuchFileException e) {
            entry.scanDue = true;
        } catch (IOException e) {
            // unreadable for now: found again at the next scan, not at every poll
        }
    }

    /** Tracks the candidates whose first line is complete now, from their first byte. */
    private void identifyCandidates(long now) {
        for (EntryState entry : entries) {
            if (entry.candidates.isEmpty()) {
                continue;
            }
            Map<String, NewFile> identified = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, EntryState.Candidate>> it = entry.candidates.entrySet().iterator();
                 it.hasNext(); ) {
                Map.Entry<String, EntryState.Candidate> e = it.next();
                EntryState.Candidate candidate = e.getValue();
                Optional<FileIdentity> identity;
                long size;
                try {
                    identity = FileIdentity.of(e.getKey(), candidate.channel, settings.fingerprintBytes(), false);
                    size = candidate.channel.size();
                } catch (IOException ex) {
                    closeQuietly(candidate.channel);
                    it.remove();
                    continue;
                }
                if (identity.isEmpty()) {
                    continue;
                }
                it.remove();
                if (trackedFor(entry, identity.get()) != null || identified.containsKey(identity.get().key())) {
                    closeQuietly(candidate.channel);
                    continue;
                }
                FileIdentity distinct = entry.files.containsKey(identity.get().key())
                        ? identity.get().onDevice() : identity.get();
                entry.paths.put(candidate.path, new EntryState.PathState(e.getKey(), distinct.key(), now));
                identified.put(distinct.key(), new NewFile(distinct, candidate.path, size, now, candidate.channel));
            }
            track(entry, identified, now);
        }
    }

    /**
     * Starts tracking files not seen before: at their stored position when they still hold what was read of
     * them, else from their start in a new epoch; without one, per {@code start_at} for files that existed
     * when the entry was first applied, from their start for the others. Returns the files to open.
     */
    private List<TrackedFile> track(EntryState entry, Map<String, NewFile> newFiles, long now) {
        String entryId = entry.entry().id();
        boolean firstScan = entry.appliedAt == null;
        if (firstScan) {
            store.checkpoint(entryId).ifPresent(checkpoint -> {
                entry.appliedAt = checkpoint.appliedAt();
                entry.ledger.putAll(checkpoint.files());
            });
        }
        if (newFiles.isEmpty() && !firstScan) {
            return List.of();
        }
        Set<String> keys = new HashSet<>();
        for (NewFile file : newFiles.values()) {
            keys.add(file.identity().key());
            keys.add(file.identity().onDevice().key());
        }
        Map<String, FilePosition> stored = keys.isEmpty() ? Map.of() : store.positions(entryId, keys);
        boolean firstApplication = false;
        if (entry.appliedAt == null) {
            Long appliedBefore = stored.values().stream().map(FilePosition::appliedAt).filter(a -> a > 0)
                    .min(Long::compare).orElse(null);
            firstApplication = appliedBefore == null;
            entry.appliedAt = firstApplication ? now : appliedBefore;
            entry.checkpointDirty = true;
        }
        List<TrackedFile> created = new ArrayList<>();
        for (NewFile file : newFiles.values()) {
            FileIdentity identity = file.identity();
            FilePosition position = stored.get(identity.key());
            if (position == null && !identity.qualified() && !entry.files.containsKey(identity.onDevice().key())) {
                position = stored.get(identity.onDevice().key());
                if (position != null) {
                    identity = identity.onDevice();
                }
            }
            long start = 0;
            int epoch = 0;
            ContentCheck check = ContentCheck.NONE;
            try {
                if (position != null) {
                    if (stillHolds(file, position)) {
                        start = position.position();
                        epoch = position.epoch();
                        check = position.check();
                    } else {
                        listener.truncated(entryId, file.path().toString());
                        stats.truncations++;
                        epoch = position.epoch() + 1;
                    }
                } else if (entry.entry().startAt() == CollectionEntry.StartAt.END && file.channel() == null
                        && (firstApplication || firstScan && file.modifiedMillis() < entry.appliedAt)) {
                    start = endOfLastLine(file, entry.entry().encoding());
                }
            } catch (IOException | UncheckedIOException e) {
                if (file.channel() != null) {
                    closeQuietly(file.channel());
                }
                if (e instanceof NoSuchFileException) {
                    entry.scanDue = true;
                } else {
                    reportOnce(entry, file.path().toString(), "cannot be read: " + message(e));
                }
                continue;
            }
            TrackedFile tracked = new TrackedFile(entry, identity, file.path(), start, epoch, settings.hostName(), now);
            tracked.check = check;
            tracked.sizeSeen = file.size();
            entry.files.put(identity.key(), tracked);
            if (!Long.valueOf(0).equals(entry.ledger.put(identity.key(), 0L))) {
                entry.checkpointDirty = true;
            }
            if (file.channel() != null) {
                tracked.open(file.channel());
                open.put(tracked, Boolean.TRUE);
            } else {
                created.add(tracked);
            }
        }
        return created;
    }

    /** Whether a file still holds what was read of it up to its stored position (not truncated, not replaced). */
    private boolean stillHolds(NewFile file, FilePosition position) throws IOException {
        if (file.channel() != null) {
            return holdsAt(file.channel(), position);
        }
        try (FileChannel channel = openAt(file.path(), file.identity().fileKey())) {
            return holdsAt(channel, position);
        }
    }

    private static boolean holdsAt(FileChannel channel, FilePosition position) throws IOException {
        return channel.size() >= Math.max(position.position(), position.check().position())
                && position.check().holds(channel);
    }

    private Optional<FileIdentity> identify(Path path, String fileKey, EntryState entry) {
        try (FileChannel channel = openAt(path, fileKey)) {
            return FileIdentity.of(fileKey, channel, settings.fingerprintBytes(), false);
        } catch (NoSuchFileException e) {
            entry.scanDue = true;
            return Optional.empty();
        } catch (IOException e) {
            reportOnce(entry, path.toString(), "cannot be read: " + message(e));
            return Optional.empty();
        }
    }

    /** The offset just after the last line terminator of a file: where {@code start_at: end} begins. */
    private long endOfLastLine(NewFile file, Charset charset) throws IOException {
        try (FileChannel channel = openAt(file.path(), file.identity().fileKey())) {
            return LineReader.endOfLastLine(channel, charset);
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
    private FileChannel openAt(Path path, String fileKey) throws IOException {
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

    private void reportOnce(EntryState entry, String path, String reason) {
        if (entry.reportedErrors.add(path + "\n" + reason)) {
            stats.errors++;
            stats.lastError = "entry '" + entry.entry().id() + "': " + path + " " + reason;
            listener.fileError(entry.entry().id(), path, reason);
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only handle loses nothing
        }
    }

    /** Every file's handle is closed; nothing is emitted. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        for (TrackedFile file : new ArrayList<>(open.keySet())) {
            closeFile(file);
        }
        open.clear();
        for (EntryState entry : entries) {
            entry.candidates.values().forEach(candidate -> closeQuietly(candidate.channel));
            entry.candidates.clear();
        }
    }
}
