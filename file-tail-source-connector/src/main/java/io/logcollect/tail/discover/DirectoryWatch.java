package io.logcollect.tail.discover;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tells when a file appears in a watched directory (inotify, through the JDK's {@link WatchService}), so a
 * new log file is opened within milliseconds instead of at the next scan: a file created and renamed away
 * within one scan interval (fast size-based rotation) is not missed. Scanning stays the safety net: events
 * can overflow, and some file systems (NFS) send none.
 *
 * <p>One thread waits for events and calls {@code onChange}; the directories that changed are collected
 * until {@link #drainChanged()}. Registration failures (the inotify watch limit) are reported once and
 * leave those directories to scanning.
 */
public final class DirectoryWatch implements Closeable {

    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Set<Path> changed = new HashSet<>();
    private final Runnable onChange;
    private final Consumer<String> problems;
    private boolean overflowed;
    private boolean limitReported;
    private final Thread thread;

    /**
     * @param name     the waiting thread's name
     * @param onChange called from the waiting thread after files appeared
     * @param problems told, once, what keeps directories from being watched
     */
    public DirectoryWatch(String name, Runnable onChange, Consumer<String> problems) {
        this.onChange = onChange;
        this.problems = problems;
        WatchService created;
        try {
            created = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            problems.accept("new files are found by scanning only: no file system watch (" + e.getMessage() + ")");
            created = null;
        }
        this.service = created;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        if (service != null) {
            thread.start();
        }
    }

    /** Watches exactly these directories from now on. */
    public synchronized void watchOnly(Set<Path> directories) {
        if (service == null) {
            return;
        }
        keys.entrySet().removeIf(e -> {
            if (!directories.contains(e.getKey()) || !e.getValue().isValid()) {
                e.getValue().cancel();
                return true;
            }
            return false;
        });
        for (Path directory : directories) {
            if (keys.containsKey(directory)) {
                continue;
            }
            try {
                keys.put(directory, directory.register(service, StandardWatchEventKinds.ENTRY_CREATE));
            } catch (IOException e) {
                if (!limitReported) {
                    limitReported = true;
                    problems.accept("directory " + directory + " cannot be watched (" + e.getMessage() + "); files "
                            + "appearing in it and in further unwatched directories are found by scanning only. "
                            + "Raise fs.inotify.max_user_watches if this is the watch limit");
                }
            } catch (ClosedWatchServiceException e) {
                return;
            }
        }
    }

    /** The watched directories where files appeared since the last call; all of them after an overflow. */
    public synchronized Set<Path> drainChanged() {
        Set<Path> result = overflowed ? new HashSet<>(keys.keySet()) : new HashSet<>(changed);
        changed.clear();
        overflowed = false;
        return result;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                boolean appeared = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    appeared = true;
                    synchronized (this) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            overflowed = true;
                        } else {
                            changed.add((Path) key.watchable());
                        }
                    }
                }
                key.reset();
                if (appeared) {
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the task stops
        }
    }

    @Override
    public void close() {
        if (service == null) {
            return;
        }
        try {
            service.close();
        } catch (IOException e) {
            // nothing is left to watch
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
