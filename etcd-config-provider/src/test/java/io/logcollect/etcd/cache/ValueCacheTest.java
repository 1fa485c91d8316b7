package io.logcollect.etcd.cache;

import io.logcollect.etcd.client.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueCacheTest {

    @TempDir
    Path dir;

    @Test
    void valuesSurviveANewInstanceAndDeletedKeysAreForgotten() {
        ValueCache cache = new ValueCache(dir.resolve("cache"));
        cache.update(Map.of("/p/a", new Versioned("[1]", 5), "/p/b", new Versioned("two", 6)), Map.of());
        cache.update(Map.of("/p/a", new Versioned("[1,2]", 9)), Map.of("/p/b", 9L));

        ValueCache reopened = new ValueCache(dir.resolve("cache"));
        assertEquals(new Versioned("[1,2]", 9), reopened.get("/p/a").orElseThrow().versioned());
        assertFalse(reopened.get("/p/b").isPresent());
        assertEquals(List.of("/p/a"), List.copyOf(reopened.withPrefix("/p/").keySet()));
        assertEquals(Map.of(), reopened.withPrefix("/q/"));
    }

    @Test
    void neverGoesBackInTime() {
        ValueCache cache = new ValueCache(dir);
        cache.update(Map.of("/p/a", new Versioned("[\"new\"]", 12), "/p/b", new Versioned("[]", 12)), Map.of());
        cache.update(Map.of("/p/a", new Versioned("[\"old\"]", 7)), Map.of("/p/b", 10L));
        assertEquals(new Versioned("[\"new\"]", 12), cache.get("/p/a").orElseThrow().versioned());
        assertEquals(new Versioned("[]", 12), cache.get("/p/b").orElseThrow().versioned());
        cache.update(Map.of(), Map.of("/p/b", 13L));
        assertFalse(cache.get("/p/b").isPresent());
    }

    @Test
    void theFileIsReadableByItsOwnerOnlyAndLeavesNoTemporaryFile() throws IOException {
        ValueCache cache = new ValueCache(dir);
        cache.update(Map.of("/secret", new Versioned("s3cr3t", 1)), Map.of());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file())));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(ValueCache.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void valuesAreKeptExactly() {
        ValueCache cache = new ValueCache(dir);
        String value = "[{\"id\":\"x\",\"paths\":[\"/var/log/*.log\"]}]\n\u00e9\u4e2d \"quoted\" \\ back";
        cache.update(Map.of("/k", new Versioned(value, 3)), Map.of());
        assertEquals(value, new ValueCache(dir).get("/k").orElseThrow().versioned().value());
    }

    @Test
    void aFileThatIsNotACacheIsReportedByName() throws IOException {
        Files.writeString(dir.resolve(ValueCache.FILE_NAME), "not json at all {");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ValueCache(dir).get("/k"));
        assertTrue(e.getMessage().contains(dir.resolve(ValueCache.FILE_NAME).toString()), e.getMessage());
    }
}
