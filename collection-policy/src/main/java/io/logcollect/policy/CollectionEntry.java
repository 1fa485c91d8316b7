package io.logcollect.policy;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a collection policy: which files to collect, into which topic, and how to cut them into
 * records. Built only by {@link PolicyParser}, so every instance is valid.
 *
 * @param id          unique in its policy, {@code [a-z0-9._-]{1,64}}
 * @param paths       absolute globs ({@code * ? ** [..]})
 * @param exclude     globs of files not to collect, matched against the full path, or the file name when
 *                    the glob has no {@code /}
 * @param topic       the Kafka topic
 * @param startAt     where files that already exist when the entry is first applied are read from
 * @param encoding    the files' charset
 * @param multiline   how lines group into one record; empty for one record per line
 * @param maxLineBytes longer lines are truncated to this many bytes and flagged
 * @param fields      labels copied into every record
 * @param ignoreOlder files not modified for this long are skipped; empty to collect all
 * @param timestamp   how to read each record's time from its first line; empty to use the time it is read
 * @param enabled     a disabled entry is kept in the policy but collects nothing
 */
public record CollectionEntry(
        String id,
        List<String> paths,
        List<String> exclude,
        String topic,
        StartAt startAt,
        Charset encoding,
        Optional<Multiline> multiline,
        int maxLineBytes,
        Map<String, String> fields,
        Optional<Duration> ignoreOlder,
        Optional<TimestampRule> timestamp,
        boolean enabled) {

    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

    /** Where to start reading a file that already exists when its entry is first applied. */
    public enum StartAt { END, BEGINNING }

    public CollectionEntry {
        paths = List.copyOf(paths);
        exclude = List.copyOf(exclude);
        fields = Map.copyOf(fields);
    }
}
