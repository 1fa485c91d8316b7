package io.logcollect.policy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobsTest {

    @Test
    void everyDoubleStarMatchesZeroOrMoreDirectories() {
        PathMatcher matcher = Globs.matcher("/a/**/b/**/c.log");
        for (String path : List.of("/a/b/c.log", "/a/x/b/c.log", "/a/b/y/c.log", "/a/x/b/y/c.log", "/a/x/y/b/z/w/c.log")) {
            assertTrue(matcher.matches(Path.of(path)), path);
        }
        for (String path : List.of("/a/c.log", "/a/x/c.log", "/b/c.log", "/a/b/c.log.1")) {
            assertFalse(matcher.matches(Path.of(path)), path);
        }
    }

    @Test
    void variantsCollapseEachDoubleStarInTurn() {
        assertEquals(List.of("/a/**/b/**/c", "/a/b/**/c", "/a/**/b/c", "/a/b/c"), Globs.zeroDirectoryVariants("/a/**/b/**/c"));
        assertEquals(List.of("/var/log/*.log"), Globs.zeroDirectoryVariants("/var/log/*.log"));
    }

    @Test
    void tooManyDoubleStarsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Globs.matcher("/a/**/b/**/c/**/d/**/e/**/f/**/g/**/h.log"));
        assertTrue(e.getMessage().contains("has 7 '**'; at most 6"), e.getMessage());
    }
}
