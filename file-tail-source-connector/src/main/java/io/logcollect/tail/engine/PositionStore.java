package io.logcollect.tail.engine;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** What was delivered before (Connect's committed source offsets), looked up per entry and file identity. */
public interface PositionStore {

    /** The stored positions of those file identity keys of an entry that have one. */
    Map<String, FilePosition> positions(String entryId, Collection<String> fileIdentities);

    /** The stored checkpoint of an entry, empty before the entry was first applied. */
    Optional<EntryCheckpoint> checkpoint(String entryId);
}
