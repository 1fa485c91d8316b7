package io.logcollect.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories a worker may read below (the worker-local {@code allowed.paths}). Paths are compared
 * after normalising {@code ..} and, for files, after resolving symbolic links, so neither can lead outside.
 */
public final class AllowedPaths {

    private final List<Path> roots;

    private AllowedPaths(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Parses absolute directory names; a relative one is refused by name. */
    public static AllowedPaths of(List<String> directories) {
        List<Path> roots = new ArrayList<>();
        for (String directory : directories) {
            String trimmed = directory.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Path path = Path.of(trimmed);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("allowed path '" + trimmed + "' is not absolute");
            }
            roots.add(path.normalize());
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no allowed path given: name at least one absolute directory");
        }
        return new AllowedPaths(roots);
    }

    public List<Path> roots() {
        return roots;
    }

    /** Whether a normalised absolute path (a glob's literal prefix) lies within an allowed directory. */
    public boolean permitsPrefix(Path normalized) {
        return roots.stream().anyMatch(normalized::startsWith);
    }

    /** Whether a real path (every link resolved) lies within an allowed directory, itself resolved. */
    public boolean permitsRealPath(Path real) {
        return realRootOf(real) != null;
    }

    /** The allowed directory, resolved, that holds a real path; null when none does. */
    public Path realRootOf(Path real) {
        for (Path root : roots) {
            try {
                Path realRoot = Files.exists(root, LinkOption.NOFOLLOW_LINKS) ? root.toRealPath() : root;
                if (real.startsWith(realRoot)) {
                    return realRoot;
                }
            } catch (IOException e) {
                // an allowed directory that cannot be resolved permits nothing
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return roots.toString();
    }
}
