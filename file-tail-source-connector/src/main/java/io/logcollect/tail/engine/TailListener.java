package io.logcollect.tail.engine;

/** What the engine reports beside events: for logs and metrics. */
public interface TailListener {

    /** A file of an entry was refused or could not be read; reported once per file and reason. */
    void fileError(String entryId, String path, String reason);

    /** A file that failed is read again. */
    void fileRecovered(String entryId, String path);

    /** Something that keeps the engine from working as well as it could, not tied to one file. */
    void problem(String message);

    /** A file's identity was seen at a new path. */
    void renamed(String entryId, String fromPath, String toPath);

    /** A file was found shorter than what was read of it, or with other content; it is read from its start. */
    void truncated(String entryId, String path);

    /**
     * The agent had to let go of a file with bytes it had not read: they are lost.
     *
     * @param lines how many lines they held, or -1 when that is not known (the file was gone already)
     * @param why   the bound or event that forced it
     */
    void lost(String entryId, String path, long bytes, long lines, String why);
}
