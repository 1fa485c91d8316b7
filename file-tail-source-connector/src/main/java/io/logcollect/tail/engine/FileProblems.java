package io.logcollect.tail.engine;

/**
 * Reports what goes wrong with files: once per file and reason, to the listener and the stats. A file that fails
 * is closed and tried again with a growing backoff while the others go on.
 */
final class FileProblems {

    private final TailStats stats;
    private final TailListener listener;
    private final FileHolder holder;

    FileProblems(TailStats stats, TailListener listener, FileHolder holder) {
        this.stats = stats;
        this.listener = listener;
        this.holder = holder;
    }

    void reportOnce(EntryState entry, String path, String reason) {
        if (entry.reportedErrors.add(path + "\n" + reason)) {
            stats.errors++;
            stats.lastError = "entry '" + entry.entry().id() + "': " + path + " " + reason;
            listener.fileError(entry.entry().id(), path, reason);
        }
    }

    void failed(TrackedFile file, String what, Exception cause, long now) {
        holder.close(file);
        file.failed(now, cause);
        reportOnce(file.entry, file.path.toString(), what + ": " + message(cause) + "; it is tried again with a "
                + "growing backoff (up to " + TrackedFile.MAX_RETRY_BACKOFF.toSeconds() + " s) while the other files go on");
    }

    void recovered(TrackedFile file) {
        if (file.failing()) {
            file.failures = null;
            String prefix = file.path + "\n";
            file.entry.reportedErrors.removeIf(reported -> reported.startsWith(prefix));
            listener.fileRecovered(file.entry.entry().id(), file.path.toString());
        }
    }

    static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
