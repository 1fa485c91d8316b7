package io.logcollect.tail.discover;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.CollectionEntry;
import io.logcollect.policy.Globs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds the files of one entry: walks from each glob's literal directory, keeps regular files the glob
 * matches and no exclude matches, skips files not modified within {@code ignore_older}, and refuses files
 * that resolve (through symbolic links) outside the allowed paths.
 *
 * <p>{@code **} matches zero or more directories, as in Filebeat, wherever it appears:
 * {@code /var/log/**}{@code /*.log} also matches {@code /var/log/a.log}.
 *
 * <p>The walk is bounded: it descends only into directories that can still lead to a match, follows a
 * symbolic link to a directory only when the directory lies within the allowed paths, walks each real
 * directory once (so link cycles end), and stops after {@code maxEntries} directory entries, reporting it.
 */
public final class FileScanner {

    /** A file found by a scan. */
    public record Found(Path path, long size, long modifiedMillis) {
    }

    /**
     * What a scan saw.
     *
     * @param files       the entry's files, by path
     * @param directories every directory walked (where new files of the entry can appear)
     * @param complete    false when the walk stopped at the entry limit: files not listed may still exist
     */
    public record Result(Map<Path, Found> files, Set<Path> directories, boolean complete) {
    }

    private final List<Pattern> patterns = new ArrayList<>();
    private final List<PathMatcher> excludeByPath = new ArrayList<>();
    private final List<PathMatcher> excludeByName = new ArrayList<>();
    private final CollectionEntry entry;
    private final AllowedPaths allowed;
    private final int maxEntries;

    /**
     * One glob: where its walk starts, the matcher of full paths, and, per variant with {@code **} collapsed
     * or kept, the glob's name segments to decide whether a directory can lead to a match.
     */
    private record Pattern(Path base, int maxDepth, PathMatcher matcher, List<List<PathMatcher>> segments,
                           boolean prunable) {

        /** Whether a directory (absolute, below the base) can hold a match at some depth. */
        boolean mayContainMatches(Path directory) {
            if (!prunable) {
                return true;
            }
            for (List<PathMatcher> variant : segments) {
                if (prefixMatches(variant, directory)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean prefixMatches(List<PathMatcher> variant, Path directory) {
            int depth = directory.getNameCount();
            for (int i = 0; i < depth; i++) {
                if (i >= variant.size() - 1) {
                    return false;
                }
                PathMatcher segment = variant.get(i);
                if (segment == null) {
                    return true;
                }
                if (!segment.matches(directory.getName(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    public FileScanner(CollectionEntry entry, AllowedPaths allowed, int maxEntries) {
        this.entry = entry;
        this.allowed = allowed;
        this.maxEntries = maxEntries;
        for (String glob : entry.paths()) {
            Path base = Globs.literalBase(glob);
            int depth = glob.contains("**") ? Integer.MAX_VALUE
                    : (int) glob.chars().filter(c -> c == '/').count() - base.getNameCount();
            // A brace group may hold a '/', which splitting by segment would cut: such globs are walked unpruned.
            boolean prunable = !glob.contains("{");
            List<List<PathMatcher>> segments = new ArrayList<>();
            if (prunable) {
                for (String variant : Globs.zeroDirectoryVariants(glob)) {
                    segments.add(segmentMatchers(variant));
                }
            }
            patterns.add(new Pattern(base, Math.max(depth, 1), Globs.matcher(glob), segments, prunable));
        }
        for (String glob : entry.exclude()) {
            (glob.contains("/") ? excludeByPath : excludeByName).add(Globs.compile(glob));
        }
    }

    /** Per name segment, its matcher; null from the first segment holding {@code **} on (anything may follow). */
    private static List<PathMatcher> segmentMatchers(String glob) {
        List<PathMatcher> matchers = new ArrayList<>();
        boolean anything = false;
        for (String segment : glob.substring(1).split("/")) {
            anything |= segment.contains("**");
            matchers.add(anything ? null : FileSystems.getDefault().getPathMatcher("glob:" + segment));
        }
        return matchers;
    }

    /**
     * The entry's files now. Files and links refused by the allowed paths, directories that cannot be listed,
     * and a walk stopped at the limit are passed to {@code problems} with the reason.
     */
    public Result scan(long nowMillis, BiConsumer<Path, String> problems) {
        Map<Path, Found> found = new LinkedHashMap<>();
        Set<Path> directories = new LinkedHashSet<>();
        long oldest = entry.ignoreOlder().map(d -> nowMillis - d.toMillis()).orElse(Long.MIN_VALUE);
        Walk walk = new Walk(found, directories, oldest, problems);
        for (Pattern pattern : patterns) {
            if (!walk.walk(pattern)) {
                problems.accept(pattern.base(), "was not scanned to the end: the scan stopped after " + maxEntries
                        + " directory entries (scan.max.entries); narrow the entry's paths or raise the limit");
                return new Result(found, directories, false);
            }
        }
        return new Result(found, directories, true);
    }

    /** One scan's walk over the patterns of the entry. */
    private final class Walk {
        private final Map<Path, Found> found;
        private final Set<Path> directories;
        private final long oldest;
        private final BiConsumer<Path, String> problems;
        private int entries;

        Walk(Map<Path, Found> found, Set<Path> directories, long oldest, BiConsumer<Path, String> problems) {
            this.found = found;
            this.directories = directories;
            this.oldest = oldest;
            this.problems = problems;
        }

        private record Directory(Path path, int depth) {
        }

        /** Walks one pattern; false when the entry limit was reached. */
        boolean walk(Pattern pattern) {
            Set<Path> walkedReal = new HashSet<>();
            Deque<Directory> pending = new ArrayDeque<>();
            pending.push(new Directory(pattern.base(), 0));
            while (!pending.isEmpty()) {
                Directory directory = pending.pop();
                Path real;
                try {
                    real = directory.path().toRealPath();
                } catch (IOException e) {
                    continue;
                }
                if (!walkedReal.add(real)) {
                    continue;
                }
                if (!allowed.permitsRealPath(real)) {
                    problems.accept(directory.path(), "resolves to " + real + ", outside the allowed paths " + allowed
                            + "; it is not scanned");
                    continue;
                }
                directories.add(directory.path());
                try (DirectoryStream<Path> children = Files.newDirectoryStream(directory.path())) {
                    for (Path child : children) {
                        if (++entries > maxEntries) {
                            return false;
                        }
                        visit(pattern, child, directory.depth() + 1, pending);
                    }
                } catch (NoSuchFileException | NotDirectoryException e) {
                    // gone, or replaced by a file, since it was listed
                } catch (IOException | RuntimeException e) {
                    problems.accept(directory.path(), "cannot be listed: " + e.getMessage());
                }
            }
            return true;
        }

        private void visit(Pattern pattern, Path child, int depth, Deque<Directory> pending) {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isSymbolicLink()) {
                    attrs = Files.readAttributes(child, BasicFileAttributes.class);
                    if (attrs.isDirectory() && !permits(child)) {
                        if (depth < pattern.maxDepth() && pattern.mayContainMatches(child)) {
                            problems.accept(child, "is a symbolic link to a directory outside the allowed paths "
                                    + allowed + "; it is not followed");
                        }
                        return;
                    }
                }
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                problems.accept(child, "cannot be read: " + e.getMessage());
                return;
            }
            if (attrs.isDirectory()) {
                if (depth < pattern.maxDepth() && pattern.mayContainMatches(child)) {
                    pending.push(new Directory(child, depth));
                }
            } else if (attrs.isRegularFile() && pattern.matcher().matches(child) && !excluded(child)
                    && !found.containsKey(child)) {
                long modified = attrs.lastModifiedTime().toMillis();
                if (modified < oldest) {
                    return;
                }
                try {
                    if (!permits(child)) {
                        problems.accept(child, "resolves outside the allowed paths " + allowed);
                        return;
                    }
                } catch (NoSuchFileException e) {
                    return;
                }
                found.put(child, new Found(child, attrs.size(), modified));
            }
        }
    }

    /**
     * Whether a file, every link resolved, lies in an allowed directory; one that cannot be resolved does not.
     *
     * @throws NoSuchFileException when it is gone since it was listed (logrotate renamed it): not this scan's
     *                             file, and no reason to report it
     */
    private boolean permits(Path file) throws NoSuchFileException {
        try {
            return allowed.permitsRealPath(file.toRealPath());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean excluded(Path file) {
        for (PathMatcher matcher : excludeByPath) {
            if (matcher.matches(file)) {
                return true;
            }
        }
        Path name = file.getFileName();
        for (PathMatcher matcher : excludeByName) {
            if (matcher.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
