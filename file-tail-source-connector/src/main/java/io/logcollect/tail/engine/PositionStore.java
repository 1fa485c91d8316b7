package io.logcollect.tail.engine;

import java.util.Collection;
import java.util.Map;

/** The positions delivered before (Connect's committed source offsets), looked up per entry and file identity. */
@FunctionalInterface
public interface PositionStore {

    /** The stored positions of those file identities of an entry that have one. */
    Map<String, FilePosition> positions(String entryId, Collection<String> fileIdentities);
}
