package io.logcollect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporary directories of this JVM and the processes started in them. At exit every process still
 * running is killed (with its children) before the directories are removed, even after a failure.
 */
public final class Workspace {

    private static final List<ServiceProcess> PROCESSES = new ArrayList<>();
    private static Path root;

    private Workspace() {
    }

    /**
     * A new directory, readable by every user: Elasticsearch runs as an unprivileged user when the tests
     * run as root, and must reach its home below it.
     */
    public static synchronized Path newDirectory(String name) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("logcollect-kit-");
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
                Runtime.getRuntime().addShutdownHook(new Thread(Workspace::cleanUp, "logcollect-kit-cleanup"));
            }
            Path dir = Files.createTempDirectory(root, name + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a test directory", e);
        }
    }

    static synchronized void register(ServiceProcess process) {
        if (!PROCESSES.contains(process)) {
            PROCESSES.add(process);
        }
    }

    private static void cleanUp() {
        List<ServiceProcess> processes;
        synchronized (Workspace.class) {
            processes = new ArrayList<>(PROCESSES);
        }
        processes.forEach(ServiceProcess::kill);
        if (root != null && !Boolean.getBoolean("logcollect.kit.keep")) {
            deleteRecursively(root);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
