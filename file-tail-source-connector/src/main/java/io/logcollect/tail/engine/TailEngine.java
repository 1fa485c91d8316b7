package io.logcollect.tail.engine;

import io.logcollect.policy.CollectionEntry;
import io.logcollect.policy.TimestampRule;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.multiline.LineGrouper;
import io.logcollect.tail.read.Line;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Tails the files of a set of entries and hands out {@link LogEvent}s in file order, each file getting a fair
 * share of every poll. {@link Discovery} finds the files and follows them through renames; the {@link FileHolder}
 * keeps them open, within bounds, and counts what it must let go; this class reads them: cuts lines and multiline
 * groups, notices truncation, finishes files that left the globs. It knows nothing of Kafka Connect: positions
 * come from a {@link PositionStore} and go out with every event, and what must be remembered per entry goes out as
 * {@link EntryCheckpoint}s; the caller decides when they are durable.
 *
 * <p>While the caller cannot send lines (Kafka away, the producer blocked) it calls {@link #hold} instead of
 * {@link #poll}: files are still found, opened and kept, nothing is read.
 *
 * <p>Not thread-safe: one thread polls and holds; {@link #close()} may come from another thread only after
 * polling stopped.
 */
public final class TailEngine implements Closeable, Discovery.Reading {

    /** A file whose stored position is to be deleted: not found for {@code clean.removed.ms}. */
    public record ExpiredFile(String entryId, String fileKey) {
    }

    /** What the caller must store beside the events: entry checkpoints, and positions to delete. */
    public record Bookkeeping(List<EntryCheckpoint> checkpoints, List<ExpiredFile> expired) {
        public boolean isEmpty() {
            return checkpoints.isEmpty() && expired.isEmpty();
        }
    }

    private final TailSettings settings;
    private final TailListener listener;
    private final LongSupplier clock;
    private final List<EntryState> entries = new ArrayList<>();
    private final TailStats stats = new TailStats();
    private final FileHolder holder;
    private final FileProblems problems;
    private final Discovery discovery;
    /** Events that came up while holding (what was read of files found truncated): the next poll hands them out. */
    private final List<LogEvent> heldEvents = new ArrayList<>();
    private int roundRobin;

    /**
     * @param onNewFiles called from another thread when a watched directory gained a file: the caller should
     *                   poll soon
     */
    public TailEngine(TailSettings settings, List<CollectionEntry> entries, PositionStore store,
                      TailListener listener, LongSupplier clock, Runnable onNewFiles) {
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        for (CollectionEntry entry : entries) {
            if (entry.enabled()) {
                this.entries.add(new EntryState(entry, settings.allowed(), settings.scanMaxEntries()));
            }
        }
        Discovery[] later = new Discovery[1];
        this.holder = new FileHolder(settings, stats, listener, () -> later[0].candidateCount());
        this.problems = new FileProblems(stats, listener, holder);
        this.discovery = new Discovery(settings, this.entries, store, listener, stats, holder, problems, this,
                onNewFiles);
        later[0] = discovery;
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
        List<LogEvent> events = new ArrayList<>(heldEvents);
        heldEvents.clear();
        discovery.discover(events, now);
        forgetLetGo(events, now);
        readFairly(events, maxEvents, now);
        expireAndClose(events, now);
        stats.filesOpen = holder.openCount() + discovery.candidateCount();
        return events;
    }

    /**
     * Keeps hold of the files without reading them, while the caller cannot send lines: new files are found and
     * opened, renamed and deleted ones stay open, and when {@code max.held.bytes} is passed the oldest orphans are
     * let go, their loss counted. Call it about every scan interval while {@link #poll} is not called.
     */
    public void hold() {
        long now = clock.getAsLong();
        discovery.discover(heldEvents, now);
        forgetLetGo(heldEvents, now);
        stats.filesOpen = holder.openCount() + discovery.candidateCount();
    }

    /** Lets go of orphans beyond {@code max.held.bytes}, and stops tracking every file let go. */
    private void forgetLetGo(List<LogEvent> events, long now) {
        holder.enforceHeldBytes(now);
        for (EntryState entry : entries) {
            for (TrackedFile file : new ArrayList<>(entry.files.values())) {
                if (file.letGo) {
                    LineGrouper.Group last = file.grouper.finish();
                    if (last != null) {
                        events.add(event(file, last, now));
                    }
                    forget(file, now);
                }
            }
        }
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
        return new Bookkeeping(checkpoints, discovery.drainExpired());
    }

    /**
     * Each entry with open files gets an equal share of the poll, split equally among its open files, so a source
     * with many busy files (a glob over a hundred containers) does not crowd out another source's one file; what a
     * file leaves unused goes to the files that still have lines.
     */
    private void readFairly(List<LogEvent> events, int maxEvents, long now) {
        List<TrackedFile> reading = holder.openFiles();
        int count = reading.size();
        if (count == 0) {
            roundRobin = 0;
            return;
        }
        Map<EntryState, Integer> filesPerEntry = new IdentityHashMap<>();
        for (TrackedFile file : reading) {
            filesPerEntry.merge(file.entry, 1, Integer::sum);
        }
        int entryShare = ceilDiv(maxEvents, filesPerEntry.size());
        List<TrackedFile> more = new ArrayList<>();
        for (int i = 0; i < count && events.size() < maxEvents; i++) {
            TrackedFile file = reading.get((roundRobin + i) % count);
            int share = Math.max(1, ceilDiv(entryShare, filesPerEntry.get(file.entry)));
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

    private static int ceilDiv(int dividend, int divisor) {
        return (dividend + divisor - 1) / divisor;
    }

    /** Reads a file; a failure closes it until its retry time and leaves the other files alone. */
    private boolean readSafely(TrackedFile file, List<LogEvent> events, int limit, long now) {
        try {
            return read(file, events, limit, now);
        } catch (IOException | UncheckedIOException e) {
            problems.failed(file, "cannot be read", e, now);
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
                problems.recovered(file);
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

    /** A file found shorter than what was read: what was read of it goes out, then it starts over or goes. */
    @Override
    public void truncated(TrackedFile file, List<LogEvent> events, long now) throws IOException {
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
        return new LogEvent(file.entry.entry(), file.path.toString(), file.identity,
                new FilePosition(group.nextOffset(), file.epoch, file.entry.appliedAt, file.check), group.offset(),
                group.text(), group.plain(), group.multiline(), group.truncated(), now, file.eventIds.idAt(group.offset()),
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
                        holder.close(file);
                    }
                }
            }
            for (Iterator<EntryState.Candidate> it = entry.candidates.values().iterator(); it.hasNext(); ) {
                EntryState.Candidate candidate = it.next();
                if (now - candidate.openedAt >= settings.closeInactiveMs()) {
                    FileHolder.closeQuietly(candidate.channel);
                    it.remove();
                }
            }
        }
    }

    /**
     * A file that left the globs and stopped growing: its partial last line and held-back group go out. One the
     * agent did not hold open is gone with whatever it had unread.
     */
    private void finish(TrackedFile file, List<LogEvent> events, long now) {
        if (!file.isOpen()) {
            holder.lostWhileClosed(file, now);
        } else {
            try {
                for (Line line; (line = file.reader.remainder()) != null; ) {
                    for (LineGrouper.Group group : file.grouper.add(line, now)) {
                        events.add(event(file, group, now));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                problems.failed(file, "cannot be read to its end", e, now);
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
        holder.close(file);
        EntryState entry = file.entry;
        entry.files.remove(file.key());
        entry.paths.values().removeIf(p -> file.key().equals(p.identityKey()));
        entry.ledger.put(file.key(), now);
        entry.checkpointDirty = true;
    }

    @Override
    public void replacedWhileClosed(TrackedFile tracked, Path path, List<LogEvent> events, long now) {
        stats.truncations++;
        listener.truncated(tracked.entry.entry().id(), path.toString());
        holder.lostWhileClosed(tracked, now);
        finishHeldBack(tracked, events, now);
        forget(tracked, now);
    }

    /** Every file's handle is closed; nothing is emitted. */
    @Override
    public void close() {
        discovery.close();
        holder.closeAll();
    }
}
