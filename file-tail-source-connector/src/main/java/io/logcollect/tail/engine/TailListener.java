package io.logcollect.tail.engine;

/** What the engine reports beside events: for logs and metrics. */
public interface TailListener {

    /** A file of an entry was refused or could not be read; reported once per file and reason. */
    void fileError(String entryId, String path, String reason);

    /** A file's identity was seen at a new path. */
    void renamed(String entryId, String fromPath, String toPath);

    /** A file was found shorter than what was read of it; reading restarts at its beginning. */
    void truncated(String entryId, String path);
}
