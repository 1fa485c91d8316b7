package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.identity.ContentCheck;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.read.LineReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where reading of a newly found file starts, and starts tracking it: at its stored position when it
 * still holds what was read of it, else from its start in a new epoch (its event ids then differ from the old
 * content's); without a stored position, per the entry's {@code start_at} for files that existed when the entry
 * was first applied, from their first byte for the others.
 */
final class StartPositions {

    private final TailSettings settings;
    private final PositionStore store;
    private final TailListener listener;
    private final TailStats stats;
    private final FileHolder holder;
    private final FileProblems problems;
    /** How many files were tracked so far: a tracked file's place in the order files were found. */
    private long discovered;

    StartPositions(TailSettings settings, PositionStore store, TailListener listener, TailStats stats,
                   FileHolder holder, FileProblems problems) {
        this.settings = settings;
        this.store = store;
        this.listener = listener;
        this.stats = stats;
        this.holder = holder;
        this.problems = problems;
    }

    /** A file found and identified, not tracked yet; {@code channel} is open when discovery held it as a candidate. */
    record NewFile(FileIdentity identity, Path path, long size, long modifiedMillis, FileChannel channel) {
    }

    /**
     * Starts tracking files not seen before: at their stored position when they still hold what was read of
     * them, else from their start in a new epoch; without one, per {@code start_at} for files that existed
     * when the entry was first applied, from their start for the others. Returns the files to open.
     */
    List<TrackedFile> track(EntryState entry, Map<String, NewFile> newFiles, long now) {
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
                    FileHolder.closeQuietly(file.channel());
                }
                if (e instanceof NoSuchFileException) {
                    entry.scanDue = true;
                } else {
                    problems.reportOnce(entry, file.path().toString(), "cannot be read: " + FileProblems.message(e));
                }
                continue;
            }
            TrackedFile tracked = new TrackedFile(entry, identity, file.path(), start, epoch, settings.hostName(), now,
                    ++discovered);
            tracked.check = check;
            tracked.sizeSeen = file.size();
            entry.files.put(identity.key(), tracked);
            if (!Long.valueOf(0).equals(entry.ledger.put(identity.key(), 0L))) {
                entry.checkpointDirty = true;
            }
            if (file.channel() != null) {
                holder.hold(tracked, file.channel());
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
        try (FileChannel channel = holder.openAt(file.path(), file.identity().fileKey())) {
            return holdsAt(channel, position);
        }
    }

    private static boolean holdsAt(FileChannel channel, FilePosition position) throws IOException {
        return channel.size() >= Math.max(position.position(), position.check().position())
                && position.check().holds(channel);
    }


    /** The offset just after the last line terminator of a file: where {@code start_at: end} begins. */
    private long endOfLastLine(NewFile file, Charset charset) throws IOException {
        try (FileChannel channel = holder.openAt(file.path(), file.identity().fileKey())) {
            return LineReader.endOfLastLine(channel, charset);
        }
    }
}
