package io.logcollect.tail.discover;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.CollectionEntry;
import io.logcollect.policy.Globs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Finds the files of one entry: walks from each glob's literal directory, keeps regular files the glob
 * matches and no exclude matches, skips files not modified within {@code ignore_older}, and refuses files
 * that resolve (through symbolic links) outside the allowed paths.
 *
 * <p>{@code **} matches zero or more directories, as in Filebeat: {@code /var/log/**}{@code /*.log} also
 * matches {@code /var/log/a.log}.
 */
public final class FileScanner {

    /** A file found by a scan. */
    public record Found(Path path, long size, long modifiedMillis) {
    }

    private final List<Pattern> patterns = new ArrayList<>();
    private final List<PathMatcher> excludeByPath = new ArrayList<>();
    private final List<PathMatcher> excludeByName = new ArrayList<>();
    private final CollectionEntry entry;
    private final AllowedPaths allowed;

    private record Pattern(Path base, int maxDepth, List<PathMatcher> matchers) {
    }

    public FileScanner(CollectionEntry entry, AllowedPaths allowed) {
        this.entry = entry;
        this.allowed = allowed;
        for (String glob : entry.paths()) {
            List<PathMatcher> matchers = new ArrayList<>(List.of(Globs.compile(glob)));
            String withoutDoubleStar = glob;
            while (withoutDoubleStar.contains("/**/")) {
                withoutDoubleStar = withoutDoubleStar.replaceFirst("/\\*\\*/", "/");
                matchers.add(Globs.compile(withoutDoubleStar));
            }
            Path base = Globs.literalBase(glob);
            int depth = glob.contains("**") ? Integer.MAX_VALUE
                    : (int) glob.chars().filter(c -> c == '/').count() - base.getNameCount();
            patterns.add(new Pattern(base, Math.max(depth, 1), matchers));
        }
        for (String glob : entry.exclude()) {
            (glob.contains("/") ? excludeByPath : excludeByName).add(Globs.compile(glob));
        }
    }

    /**
     * The entry's files now, by path. Files refused by the allowed paths are passed to {@code refused}
     * with the reason; they are never returned.
     */
    public Map<Path, Found> scan(long nowMillis, BiConsumer<Path, String> refused) {
        Map<Path, Found> found = new LinkedHashMap<>();
        long oldest = entry.ignoreOlder().map(d -> nowMillis - d.toMillis()).orElse(Long.MIN_VALUE);
        for (Pattern pattern : patterns) {
            if (!Files.isDirectory(pattern.base())) {
                continue;
            }
            try {
                Files.walkFileTree(pattern.base(), EnumSet.of(FileVisitOption.FOLLOW_LINKS), pattern.maxDepth(),
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                if (attrs.isRegularFile() && matches(pattern, file) && !excluded(file)
                                        && !found.containsKey(file)) {
                                    long modified = attrs.lastModifiedTime().toMillis();
                                    if (modified < oldest) {
                                        return FileVisitResult.CONTINUE;
                                    }
                                    if (!allowed.permitsFile(file)) {
                                        refused.accept(file, "resolves outside the allowed paths " + allowed);
                                        return FileVisitResult.CONTINUE;
                                    }
                                    found.put(file, new Found(file, attrs.size(), modified));
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e) {
                                if (!(e instanceof FileSystemLoopException) && !(e instanceof java.nio.file.NoSuchFileException)) {
                                    refused.accept(file, "cannot be read: " + e.getMessage());
                                }
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (IOException e) {
                refused.accept(pattern.base(), "cannot be listed: " + e.getMessage());
            }
        }
        return found;
    }

    private static boolean matches(Pattern pattern, Path file) {
        for (PathMatcher matcher : pattern.matchers()) {
            if (matcher.matches(file)) {
                return true;
            }
        }
        return false;
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
