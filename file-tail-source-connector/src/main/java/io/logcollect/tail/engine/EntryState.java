package io.logcollect.tail.engine;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.CollectionEntry;
import io.logcollect.tail.discover.FileScanner;
import io.logcollect.tail.multiline.LineGrouper;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One entry's scanner and the files it tracks. */
final class EntryState {

    /** What a path was last seen to be. */
    record PathState(String fileKey, String identityKey, long modifiedMillis) {
    }

    private final CollectionEntry entry;
    final FileScanner scanner;
    /** Tracked files by identity key. */
    final Map<String, TrackedFile> files = new LinkedHashMap<>();
    final Map<Path, PathState> paths = new HashMap<>();
    final Set<String> reportedErrors = new HashSet<>();
    /** When the entry was first applied; null until the first scan decided it. */
    Long appliedAt;

    EntryState(CollectionEntry entry, AllowedPaths allowed) {
        this.entry = entry;
        this.scanner = new FileScanner(entry, allowed);
    }

    CollectionEntry entry() {
        return entry;
    }

    LineGrouper newGrouper() {
        return new LineGrouper(entry.multiline().orElse(null), entry.maxLineBytes());
    }
}
