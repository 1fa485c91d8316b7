package io.logcollect.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultyFileSystemIT {

    @Test
    void readsFailWithTheKernelsErrorsWhileToldAndWorkAgainAfter() throws IOException {
        try (FaultyFileSystem fs = FaultyFileSystem.start()) {
            Files.writeString(fs.backing().resolve("app.log"), "one\n");
            assertEquals("one\n", Files.readString(fs.mountPoint().resolve("app.log")));
            try (FileChannel open = FileChannel.open(fs.mountPoint().resolve("app.log"), StandardOpenOption.READ)) {
                fs.failReads("app.log", "EIO");
                IOException eio = assertThrows(IOException.class, () -> open.read(ByteBuffer.allocate(16), 0));
                assertTrue(eio.getMessage().contains("Input/output error"), eio.getMessage());
                fs.failReads("app.log", "ESTALE");
                IOException stale = assertThrows(IOException.class, () -> open.read(ByteBuffer.allocate(16), 0));
                assertTrue(stale.getMessage().contains("Stale file handle"), stale.getMessage());
                fs.healReads("app.log");
                Files.writeString(fs.backing().resolve("app.log"), "two\n", StandardOpenOption.APPEND);
                ByteBuffer bytes = ByteBuffer.allocate(16);
                assertEquals(8, open.read(bytes, 0));
            }
        }
    }
}
