package io.logcollect.tail.access;

import io.logcollect.policy.AllowedPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening log files only below the allowed paths, on real files, directories and links. */
class ConfinedFilesTest {

    @TempDir
    Path allowed;
    @TempDir
    Path outside;

    private ConfinedFiles files() {
        return new ConfinedFiles(AllowedPaths.of(List.of(allowed.toString())));
    }

    private static String read(FileChannel channel) throws IOException {
        try (channel) {
            ByteBuffer bytes = ByteBuffer.allocate((int) channel.size());
            channel.read(bytes, 0);
            return new String(bytes.array(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void opensAFileBelowTheAllowedPathsAndThroughALinkThatStaysInside() throws IOException {
        Files.createDirectories(allowed.resolve("app/current"));
        Files.writeString(allowed.resolve("app/current/app.log"), "inside\n");
        Files.createSymbolicLink(allowed.resolve("app/latest"), allowed.resolve("app/current"));
        assertEquals("inside\n", read(files().open(allowed.resolve("app/current/app.log"))));
        assertEquals("inside\n", read(files().open(allowed.resolve("app/latest/app.log"))));
    }

    @Test
    void refusesAFileOrADirectoryLinkLeadingOutside() throws IOException {
        Files.writeString(outside.resolve("shadow"), "secret\n");
        Files.createSymbolicLink(allowed.resolve("app.log"), outside.resolve("shadow"));
        Files.createSymbolicLink(allowed.resolve("dir"), outside);
        OutsideAllowedPathsException file = assertThrows(OutsideAllowedPathsException.class,
                () -> files().open(allowed.resolve("app.log")));
        assertTrue(file.getMessage().contains("outside the allowed paths"), file.getMessage());
        assertThrows(OutsideAllowedPathsException.class, () -> files().open(allowed.resolve("dir/shadow")));
    }

    @Test
    void opensOnlyRegularFiles() throws Exception {
        Path fifo = allowed.resolve("pipe.log");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        FileSystemException refused = assertThrows(FileSystemException.class, () -> files().open(fifo));
        assertTrue(refused.getMessage().contains("not a regular file"), refused.getMessage());
    }
}
