package io.logcollect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A directory whose files fail to be read on demand, with the kernel's real errors: a FUSE file system
 * ({@code faultyfs.c}, built here with gcc against Debian's libfuse3) shows the files of a backing directory at
 * its mount point, and a read of a file fails with EIO or ESTALE while the test says so. Files are written in
 * the backing directory and read through the mount point, as an agent reading a failing disk or NFS share would.
 */
public final class FaultyFileSystem implements AutoCloseable {

    private static Path binary;

    private final Path backing;
    private final Path mount;
    private final ServiceProcess process;

    private FaultyFileSystem(Path directory) {
        this.backing = directory.resolve("backing");
        this.mount = directory.resolve("mount");
        try {
            Files.createDirectories(backing);
            Files.createDirectories(mount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.process = new ServiceProcess("faultyfs", List.of(compiled().toString(), backing.toString(),
                mount.toString(), "-f", "-o", "auto_unmount"), Map.of(), directory);
    }

    /** Mounts a new, empty faulty directory. */
    public static FaultyFileSystem start() {
        FaultyFileSystem fs = new FaultyFileSystem(Workspace.newDirectory("faultyfs"));
        fs.process.start(Duration.ofSeconds(30), fs::mounted);
        return fs;
    }

    /** Where files are written. */
    public Path backing() {
        return backing;
    }

    /** Where the same files are read, and fail when told to. */
    public Path mountPoint() {
        return mount;
    }

    /** Reads of the file at {@code relative} fail from now on, with EIO or ESTALE. */
    public void failReads(String relative, String errno) {
        if (!errno.equals("EIO") && !errno.equals("ESTALE")) {
            throw new IllegalArgumentException("faultyfs injects EIO or ESTALE, not " + errno);
        }
        try {
            Files.writeString(backing.resolve(relative + ".fail"), errno + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads of the file at {@code relative} work again. */
    public void healReads(String relative) {
        try {
            Files.deleteIfExists(backing.resolve(relative + ".fail"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(line -> line.split(" ")[1].equals(mount.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Unmounts; the files stay in the backing directory. */
    @Override
    public void close() {
        if (mounted()) {
            ServiceProcess.runOnce("umount", List.of("umount", mount.toString()), Map.of(), backing.getParent(),
                    Duration.ofSeconds(30));
        }
        process.stop();
    }

    /** The file system's binary, built once per JVM from the kit's source. */
    private static synchronized Path compiled() {
        if (binary == null) {
            Path dir = Workspace.newDirectory("faultyfs-build");
            Path source = dir.resolve("faultyfs.c");
            try (InputStream in = FaultyFileSystem.class.getResourceAsStream("faultyfs.c")) {
                Files.copy(in, source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ServiceProcess.runOnce("gcc-faultyfs", List.of("sh", "-c",
                    "gcc -O2 -Wall -o faultyfs faultyfs.c $(pkg-config --cflags --libs fuse3)"), Map.of(), dir,
                    Duration.ofSeconds(60));
            binary = dir.resolve("faultyfs");
        }
        return binary;
    }
}
