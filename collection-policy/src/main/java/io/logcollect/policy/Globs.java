package io.logcollect.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

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
