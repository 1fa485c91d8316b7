package io.logcollect.etcd.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.etcd.client.Versioned;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last good value of every etcd key a worker resolved, kept in one JSON file ({@value #FILE_NAME} in the
 * cache directory) so connectors can start while etcd is unreachable. The file is readable by its owner only
 * (values may be secrets) and replaced atomically, so a crash never leaves half a file. Instances for the same
 * directory in one JVM share their lock.
 */
public final class ValueCache {

    public static final String FILE_NAME = "etcd-values.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    public ValueCache(Path directory) {
        this.file = directory.toAbsolutePath().normalize().resolve(FILE_NAME);
        this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
    }

    public Path file() {
        return file;
    }

    /** A cached entry: the value, its mod_revision and when it was written to the cache. */
    public record Entry(Versioned versioned, Instant cachedAt) {
    }

    /**
     * Records values read from etcd and forgets keys that no longer exist, never going back in time: a value
     * replaces a cached one only if its mod_revision is not older, and a key is forgotten only if it was cached
     * before the revision at which it was seen absent. A slow read can then not undo what a watch recorded.
     *
     * @param present values by key
     * @param absent  keys seen absent, by the revision at which they were
     */
    public void update(Map<String, Versioned> present, Map<String, Long> absent) {
        synchronized (lock) {
            Map<String, Entry> entries = load();
            boolean changed = false;
            Instant now = Instant.now();
            for (Map.Entry<String, Versioned> e : present.entrySet()) {
                Entry old = entries.get(e.getKey());
                if (old == null || old.versioned().modRevision() < e.getValue().modRevision()) {
                    entries.put(e.getKey(), new Entry(e.getValue(), now));
                    changed = true;
                }
            }
            for (Map.Entry<String, Long> e : absent.entrySet()) {
                Entry old = entries.get(e.getKey());
                if (old != null && old.versioned().modRevision() < e.getValue()) {
                    entries.remove(e.getKey());
                    changed = true;
                }
            }
            if (changed) {
                store(entries);
            }
        }
    }

    /** The cached entry of a key. */
    public Optional<Entry> get(String key) {
        synchronized (lock) {
            return Optional.ofNullable(load().get(key));
        }
    }

    /** Every cached entry whose key starts with {@code prefix}. */
    public Map<String, Entry> withPrefix(String prefix) {
        synchronized (lock) {
            Map<String, Entry> matching = new TreeMap<>();
            load().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    matching.put(k, v);
                }
            });
            return matching;
        }
    }

    private Map<String, Entry> load() {
        Map<String, Entry> entries = new TreeMap<>();
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode keys = root == null ? null : root.path("keys");
            if (keys == null || !keys.isObject()) {
                throw new IllegalStateException("the etcd value cache " + file
                        + " is not a logcollect cache file; move it away");
            }
            for (Map.Entry<String, JsonNode> e : keys.properties()) {
                JsonNode node = e.getValue();
                entries.put(e.getKey(), new Entry(new Versioned(node.path("value").asText(),
                        node.path("mod_revision").asLong()), Instant.parse(node.path("cached_at").asText())));
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("the etcd value cache " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void store(Map<String, Entry> entries) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", 1);
        ObjectNode keys = root.putObject("keys");
        entries.forEach((key, entry) -> {
            ObjectNode node = keys.putObject(key);
            node.put("value", entry.versioned().value());
            node.put("mod_revision", entry.versioned().modRevision());
            node.put("cached_at", entry.cachedAt().toString());
        });
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(FILE_NAME + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(temp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(temp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                    StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the etcd value cache " + file + ": " + e.getMessage(), e);
        }
    }
}
