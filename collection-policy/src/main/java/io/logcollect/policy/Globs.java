package io.logcollect.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/** Absolute path globs: {@code *} and {@code ?} within a name, {@code **} across directories, {@code [..]}, {@code {a,b}}. */
public final class Globs {

    private Globs() {
    }

    /** Compiles a glob, failing with {@link IllegalArgumentException} that says what is wrong. */
    public static PathMatcher compile(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + glob + "' is not a valid glob: " + e.getMessage());
        }
    }

    /** More {@code **} than this in one glob is refused: each one doubles the patterns a path is tried against. */
    public static final int MAX_DOUBLE_STARS = 6;

    /**
     * A matcher for a path glob in which every {@code **} between slashes stands for zero or more
     * directories, as in Filebeat: {@code /a/**}{@code /b/**}{@code /c.log} matches {@code /a/b/c.log},
     * {@code /a/x/b/c.log} and {@code /a/x/b/y/c.log}. The JDK's own {@code **} needs at least one directory,
     * so the glob is tried with each {@code /**}{@code /} either kept or collapsed to {@code /}.
     */
    public static PathMatcher matcher(String glob) {
        List<PathMatcher> variants = new ArrayList<>();
        for (String variant : zeroDirectoryVariants(glob)) {
            variants.add(compile(variant));
        }
        return path -> {
            for (PathMatcher variant : variants) {
                if (variant.matches(path)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The glob with every subset of its {@code /**}{@code /} collapsed to {@code /}, the glob itself first. */
    public static List<String> zeroDirectoryVariants(String glob) {
        List<Integer> at = new ArrayList<>();
        for (int i = glob.indexOf("/**/"); i >= 0; i = glob.indexOf("/**/", i + 4)) {
            at.add(i);
        }
        if (at.size() > MAX_DOUBLE_STARS) {
            throw new IllegalArgumentException("'" + glob + "' has " + at.size() + " '**'; at most "
                    + MAX_DOUBLE_STARS + " are allowed in one glob");
        }
        List<String> variants = new ArrayList<>();
        for (int mask = 0; mask < 1 << at.size(); mask++) {
            StringBuilder variant = new StringBuilder();
            int from = 0;
            for (int k = 0; k < at.size(); k++) {
                int index = at.get(k);
                variant.append(glob, from, index);
                variant.append((mask & 1 << k) != 0 ? "/" : "/**/");
                from = index + 4;
            }
            variants.add(variant.append(glob.substring(from)).toString());
        }
        return variants;
    }

    public static boolean hasWildcard(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /**
     * The directory to start scanning from: the glob's segments before the first one with a wildcard,
     * normalised. For a glob without wildcards, the parent of the file it names.
     */
    public static Path literalBase(String glob) {
        String[] segments = glob.split("/");
        StringBuilder base = new StringBuilder("/");
        int literal = 0;
        while (literal < segments.length && !hasWildcard(segments[literal])) {
            literal++;
        }
        int end = literal == segments.length ? segments.length - 1 : literal;
        for (int i = 0; i < end; i++) {
            if (!segments[i].isEmpty()) {
                base.append(segments[i]).append('/');
            }
        }
        return Path.of(base.toString()).normalize();
    }

    /** The glob with {@code .} and {@code ..} segments of its literal part resolved. */
    public static String normalize(String glob) {
        Path base = literalBase(glob);
        String[] segments = glob.split("/");
        int literal = 0;
        while (literal < segments.length && !hasWildcard(segments[literal])) {
            literal++;
        }
        int end = literal == segments.length ? segments.length - 1 : literal;
        StringBuilder rest = new StringBuilder();
        for (int i = end; i < segments.length; i++) {
            rest.append('/').append(segments[i]);
        }
        String prefix = base.toString().equals("/") ? "" : base.toString();
        return prefix + rest;
    }
}
