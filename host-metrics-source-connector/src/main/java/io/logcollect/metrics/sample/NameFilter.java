package io.logcollect.metrics.sample;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Which interfaces, devices or mount points a metricset reports: those matching an include glob (all when none
 * is given) and no exclude glob, e.g. include {@code eth*}, exclude {@code veth*}.
 */
public final class NameFilter {

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;

    public NameFilter(List<String> include, List<String> exclude) {
        this.include = include.stream().map(NameFilter::glob).toList();
        this.exclude = exclude.stream().map(NameFilter::glob).toList();
    }

    public static NameFilter all() {
        return new NameFilter(List.of(), List.of());
    }

    private static PathMatcher glob(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }

    /** Whether a name (an interface, a device like {@code /dev/vda}, a mount point like {@code /boot}) is reported. */
    public boolean accepts(String name) {
        Path path = Path.of(name);
        boolean included = include.isEmpty() || include.stream().anyMatch(m -> m.matches(path));
        return included && exclude.stream().noneMatch(m -> m.matches(path));
    }
}
