package io.logcollect.tail.engine;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.discover.FileScanner;
import io.logcollect.tail.multiline.LineGrouper;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One entry's scanner, the files it tracks and what it must remember across restarts. */
final class EntryState {

    /** What a path was last seen to be. */
    record PathState(String fileKey, String identityKey, long modifiedMillis) {
    }

    /**
     * A new file held open before its first line is complete, so it is read from its first byte even if it is
     * renamed out of the globs before it can be identified.
     */
    static final class Candidate {
        Path path;
        final FileChannel channel;
        final long openedAt;

        Candidate(Path path, FileChannel channel, long openedAt) {
            this.path = path;
            this.channel = channel;
            this.openedAt = openedAt;
        }
    }

    private final CollectionEntry entry;
    final FileScanner scanner;
    /** Tracked files by identity key. */
    final Map<String, TrackedFile> files = new LinkedHashMap<>();
    final Map<Path, PathState> paths = new HashMap<>();
    /** New files not identified yet, by {@code <device>:<inode>}. */
    final Map<String, Candidate> candidates = new LinkedHashMap<>();
    final Set<String> reportedErrors = new HashSet<>();
    /** The directories the last scan walked. */
    Set<Path> directories = Set.of();
    /** A scan is due before the next read: a watched directory changed. */
    boolean scanDue;
    /** When the entry was first applied; null until the first scan decided it. */
    Long appliedAt;
    /** Every file key with a stored position, mapped to when it was last missed (0 while found). */
    final Map<String, Long> ledger = new LinkedHashMap<>();
    /** The ledger changed since the entry's checkpoint was last handed out. */
    boolean checkpointDirty;

    EntryState(CollectionEntry entry, AllowedPaths allowed, int maxScanEntries) {
        this.entry = entry;
        this.scanner = new FileScanner(entry, allowed, maxScanEntries);
    }

    CollectionEntry entry() {
        return entry;
    }

    LineGrouper newGrouper() {
        return new LineGrouper(entry.multiline().orElse(null), entry.maxLineBytes());
    }

    /**
     * After a complete scan: marks the files of the ledger that are not tracked any more as missing since now,
     * and returns (and drops) those missing for longer than {@code retentionMs} (never when negative).
     */
    List<String> forgetMissing(long nowMillis, long retentionMs) {
        List<String> gone = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> it = ledger.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> known = it.next();
            if (files.containsKey(known.getKey())) {
                continue;
            }
            if (known.getValue() == 0) {
                known.setValue(nowMillis);
                checkpointDirty = true;
            } else if (retentionMs >= 0 && nowMillis - known.getValue() >= retentionMs) {
                it.remove();
                gone.add(known.getKey());
                checkpointDirty = true;
            }
        }
        return gone;
    }

    EntryCheckpoint checkpoint() {
        return new EntryCheckpoint(entry.id(), appliedAt, ledger);
    }
}
