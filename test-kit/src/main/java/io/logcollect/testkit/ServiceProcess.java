package io.logcollect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One server process: started, awaited until ready, stopped gracefully or killed with -9, and started
 * again with the same command, directory and ports. Its output goes to a log file whose tail is part of
 * every startup failure.
 */
public final class ServiceProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path directory;
    private final Path logFile;
    private Process process;

    public ServiceProcess(String name, List<String> command, Map<String, String> environment, Path directory) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.directory = directory;
        this.logFile = directory.resolve(name + ".out");
    }

    /** Starts the process and waits until {@code ready} holds, failing with the log tail if it exits first. */
    public synchronized void start(Duration timeout, BooleanSupplier ready) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        Workspace.register(this);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " while starting; last lines of " + logFile + ":\n" + logTail(40));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(100);
        }
        kill();
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; last lines of "
                + logFile + ":\n" + logTail(40));
    }

    /**
     * Runs {@code action} on every item at once, each in a thread of its own (the members of a cluster must start
     * together to elect a leader), and waits for all; rethrows the first failure.
     */
    public static <T> void inParallel(Collection<T> items, Consumer<T> action) {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, items.size()));
        try {
            items.stream().map(item -> CompletableFuture.runAsync(() -> action.accept(item), threads)).toList()
                    .forEach(CompletableFuture::join);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            threads.shutdown();
        }
    }

    /** Runs a command to its end, failing with its output unless it exits with 0 within the timeout. */
    public static void runOnce(String name, List<String> command, Map<String, String> environment, Path directory,
                               Duration timeout) {
        ServiceProcess once = new ServiceProcess(name, command, environment, directory);
        once.start(timeout, () -> true);
        try {
            if (!once.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                once.kill();
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + once.logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (once.process.exitValue() != 0) {
            throw new IllegalStateException(name + " failed with exit code " + once.process.exitValue() + ":\n"
                    + once.logTail(40));
        }
    }

    /** Stops gracefully (SIGTERM to the process and its children), killing whatever outlives the grace period. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = family();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        waitForExit();
    }

    /** Kills the process and its children at once, like {@code kill -9}. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        family().forEach(ProcessHandle::destroyForcibly);
        waitForExit();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no output)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<ProcessHandle> family() {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        return all;
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
