package io.logcollect.tail.engine;

import java.util.Map;

/**
 * What the agent must remember of an entry beyond its files' positions, stored like them in Connect's offsets
 * (DESIGN.md section 2): when the entry was first applied, so {@code start_at} applies once per entry however
 * often the agent restarts, and the files whose positions are stored, so the positions of files gone for longer
 * than {@code clean.removed.ms} can be deleted.
 *
 * @param entryId   the entry
 * @param appliedAt epoch millis at which the entry was first applied
 * @param files     every file identity key with a stored position, mapped to the epoch millis since which the file
 *                  has not been found (0 while it is)
 */
public record EntryCheckpoint(String entryId, long appliedAt, Map<String, Long> files) {

    public EntryCheckpoint {
        files = Map.copyOf(files);
    }
}
