package io.logcollect.tail.engine;

import io.logcollect.tail.discover.DirectoryWatch;
import io.logcollect.tail.discover.FileScanner;
import io.logcollect.tail.identity.FileIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the files of the entries and keeps track of who they are: scans the globs (at the scan interval, and at
 * once when a watched directory changed), follows each file by identity through renames, notices files replaced
 * or rewritten while closed, holds new files open from the moment they appear (before their first line is
 * complete, so a quick rename cannot make them slip by), and decides where reading starts. It reads no lines:
 * what was read of a file that turns out truncated or replaced is the {@link Reading}'s to hand out. It runs
 * whether or not lines can be sent, so that files are held while the output is blocked (DESIGN.md section 4).
 */
final class Discovery {

    /** What discovery needs from the side that reads lines. */
    interface Reading {
        /** A file found shorter than what was read, or with other content: what was read of it goes out. */
        void truncated(TrackedFile file, List<LogEvent> events, long now) throws IOException;

        /** A closed file found rewritten or replaced: what was read of it goes out, and it is no longer tracked. */
        void replacedWhileClosed(TrackedFile file, Path path, List<LogEvent> events, long now);
    }

    /** How many of the files most behind the stats name. */
    private static final int MOST_BEHIND = 5;

    private final TailSettings settings;
    private final List<EntryState> entries;
    private final TailListener listener;
    private final TailStats stats;
    private final FileHolder holder;
    private final FileProblems problems;
    private final Reading reading;
    private final DirectoryWatch watch;
    private final List<TailEngine.ExpiredFile> expired = new ArrayList<>();
    private long nextScanAt;
    private final StartPositions starts;

    Discovery(TailSettings settings, List<EntryState> entries, PositionStore store, TailListener listener,
              TailStats stats, FileHolder holder, FileProblems problems, Reading reading, Runnable onNewFiles) {
        this.settings = settings;
        this.entries = entries;
        this.listener = listener;
        this.stats = stats;
        this.holder = holder;
        this.problems = problems;
        this.reading = reading;
        this.starts = new StartPositions(settings, store, listener, stats, holder, problems);
        this.watch = settings.watchDirectories() && !entries.isEmpty()
                ? new DirectoryWatch("logcollect-tail-watch", onNewFiles, listener::problem) : null;
    }

    /**
     * Scans the entries whose scan is due (all at the scan interval, those whose directories changed at once) and
     * tracks the new files whose first line is complete. What was read of files found truncated or replaced goes
     * into {@code events}.
     */
    void discover(List<LogEvent> events, long now) {
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
    }

    /** The positions to delete since the last call: files not found for {@code clean.removed.ms}. */
    List<TailEngine.ExpiredFile> drainExpired() {
        List<TailEngine.ExpiredFile> drained = List.copyOf(expired);
        expired.clear();
        return drained;
    }

    int candidateCount() {
        int count = 0;
        for (EntryState entry : entries) {
            count += entry.candidates.size();
        }
        return count;
    }

    /** Opens a tracked file unless it waits for its retry after a failure. */
    private void open(TrackedFile file, long now) {
        if (!file.mayOpen(now)) {
            return;
        }
        try {
            holder.open(file, now);
        } catch (IOException e) {
            problems.failed(file, "cannot be opened", e, now);
        }
    }

    private void scanSafely(EntryState entry, List<LogEvent> events, long now) {
        entry.scanDue = false;
        try {
            scan(entry, events, now);
        } catch (UncheckedIOException e) {
            problems.reportOnce(entry, entry.entry().paths().toString(), "cannot be scanned: " + FileProblems.message(e));
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

    private void scan(EntryState entry, List<LogEvent> events, long now) {
        String entryId = entry.entry().id();
        FileScanner.Result result = entry.scanner.scan(now, (path, reason) -> problems.reportOnce(entry, path.toString(), reason));
        entry.directories = result.directories();
        Set<String> seen = new HashSet<>();
        Map<String, StartPositions.NewFile> newFiles = new LinkedHashMap<>();
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
                    reading.replacedWhileClosed(tracked, path, events, now);
                    tracked = null;
                }
                if (tracked == null) {
                    FileIdentity distinct = entry.files.containsKey(identity.get().key())
                            ? identity.get().onDevice() : identity.get();
                    entry.paths.put(path, new EntryState.PathState(fileKey, distinct.key(), found.modifiedMillis()));
                    newFiles.putIfAbsent(distinct.key(),
                            new StartPositions.NewFile(distinct, path, found.size(), found.modifiedMillis(), null));
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
                    problems.failed(tracked, "cannot be read", e, now);
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
        toOpen.addAll(starts.track(entry, newFiles, now));
        for (TrackedFile file : toOpen) {
            open(file, now);
        }
        if (result.complete()) {
            for (String key : entry.forgetMissing(now, settings.cleanRemovedMs())) {
                expired.add(new TailEngine.ExpiredFile(entry.entry().id(), key));
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
                reading.truncated(tracked, events, now);
            }
            return !tracked.entry.files.containsKey(tracked.key());
        }
        Optional<FileIdentity> current = identify(path, fileKey, tracked.entry);
        if (current.isPresent() && current.get().fingerprint().equals(tracked.identity.fingerprint())
                && holds(tracked, path)) {
            return false;
        }
        reading.replacedWhileClosed(tracked, path, events, now);
        return true;
    }

    /** Whether the file at a path still holds the bytes a tracked file's content check covers. */
    private boolean holds(TrackedFile tracked, Path path) {
        if (tracked.check.position() <= 0) {
            return true;
        }
        try (FileChannel channel = holder.openAt(path, tracked.identity.fileKey())) {
            return tracked.check.holds(channel);
        } catch (IOException e) {
            return true;
        }
    }

    /** Holds a new file whose first line is incomplete open, so a quick rename cannot make it slip by. */
    private void holdCandidate(EntryState entry, Path path, String fileKey, long now) {
        if (entry.appliedAt == null || !holder.hasRoom()) {
            return;
        }
        try {
            entry.candidates.put(fileKey, new EntryState.Candidate(path, holder.openAt(path, fileKey), now));
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
            Map<String, StartPositions.NewFile> identified = new LinkedHashMap<>();
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
                    FileHolder.closeQuietly(candidate.channel);
                    it.remove();
                    continue;
                }
                if (identity.isEmpty()) {
                    continue;
                }
                it.remove();
                if (trackedFor(entry, identity.get()) != null || identified.containsKey(identity.get().key())) {
                    FileHolder.closeQuietly(candidate.channel);
                    continue;
                }
                FileIdentity distinct = entry.files.containsKey(identity.get().key())
                        ? identity.get().onDevice() : identity.get();
                entry.paths.put(candidate.path, new EntryState.PathState(e.getKey(), distinct.key(), now));
                identified.put(distinct.key(), new StartPositions.NewFile(distinct, candidate.path, size, now, candidate.channel));
            }
            starts.track(entry, identified, now);
        }
    }

    private Optional<FileIdentity> identify(Path path, String fileKey, EntryState entry) {
        try (FileChannel channel = holder.openAt(path, fileKey)) {
            return FileIdentity.of(fileKey, channel, settings.fingerprintBytes(), false);
        } catch (NoSuchFileException e) {
            entry.scanDue = true;
            return Optional.empty();
        } catch (IOException e) {
            problems.reportOnce(entry, path.toString(), "cannot be read: " + FileProblems.message(e));
            return Optional.empty();
        }
    }

    /** Stops watching and closes the candidates held open. */
    void close() {
        if (watch != null) {
            watch.close();
        }
        for (EntryState entry : entries) {
            entry.candidates.values().forEach(candidate -> FileHolder.closeQuietly(candidate.channel));
            entry.candidates.clear();
        }
    }
}
