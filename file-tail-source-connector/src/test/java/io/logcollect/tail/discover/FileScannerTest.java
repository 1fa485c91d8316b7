package io.logcollect.tail.discover;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.PolicyParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileScannerTest {

    @TempDir
    Path dir;

    /**
     * logrotate renames the live file away and creates it again while a scan walks the directory: a file gone
     * between being listed and being resolved is simply not there for this scan, not a file "outside the allowed
     * paths" (an error an operator would chase, counted in the task's errors).
     */
    @Test
    void aFileRenamedAwayDuringAScanIsNotReportedAsOutsideTheAllowedPaths() throws Exception {
        Path live = dir.resolve("app.log");
        Files.writeString(live, "first\n");
        AllowedPaths allowed = AllowedPaths.of(List.of(dir.toString()));
        FileScanner scanner = new FileScanner(PolicyParser.parse("[{\"id\":\"app\",\"paths\":[\"" + dir
                + "/*.log\"],\"topic\":\"t\"}]", allowed).entries().get(0), allowed, 10_000);
        AtomicBoolean rotating = new AtomicBoolean(true);
        AtomicInteger rotations = new AtomicInteger();
        Thread logrotate = new Thread(() -> {
            try {
                while (rotating.get()) {
                    Files.move(live, dir.resolve("app.1"), StandardCopyOption.REPLACE_EXISTING);
                    Files.writeString(live, "line\n");
                    rotations.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "logrotate");
        logrotate.start();
        List<String> problems = new CopyOnWriteArrayList<>();
        int scans = 0;
        try {
            for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end; scans++) {
                scanner.scan(System.currentTimeMillis(), (path, problem) -> problems.add(path + " " + problem));
            }
        } finally {
            rotating.set(false);
            logrotate.join();
        }
        assertTrue(rotations.get() > 1000 && scans > 1000, rotations + " rotations, " + scans + " scans");
        assertEquals(List.of(), problems.stream().distinct().toList(), "in " + scans + " scans");
    }
}
