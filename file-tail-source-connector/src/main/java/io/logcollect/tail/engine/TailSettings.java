package io.logcollect.tail.engine;

import io.logcollect.policy.AllowedPaths;

/**
 * How a {@link TailEngine} works, from the worker-local connector settings.
 *
 * @param hostName         goes into every event and into event ids
 * @param allowed          nothing outside is ever read
 * @param scanIntervalMs   how often globs are re-scanned
 * @param scanMaxEntries   a scan of one entry stops after this many directory entries
 * @param fingerprintBytes at most this many first bytes identify a file; as many bytes before a position check it
 * @param closeInactiveMs  an open file that has not grown for this long is closed (and reopened when it grows)
 * @param maxOpenFiles     cap on open file handles
 * @param cleanRemovedMs   the stored position of a file not found for this long is deleted; negative: never
 * @param watchDirectories whether new files are noticed through directory watches as well as scans
 * @param maxHeldBytes     unread bytes of orphaned files (renamed out of the globs or deleted) held open at most
 */
public record TailSettings(String hostName, AllowedPaths allowed, long scanIntervalMs, int scanMaxEntries,
                           int fingerprintBytes, long closeInactiveMs, int maxOpenFiles, long cleanRemovedMs,
                           boolean watchDirectories, long maxHeldBytes) {
}
