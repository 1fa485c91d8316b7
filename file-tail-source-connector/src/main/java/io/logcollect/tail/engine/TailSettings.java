package io.logcollect.tail.engine;

import io.logcollect.policy.AllowedPaths;

/**
 * How a {@link TailEngine} works, from the worker-local connector settings.
 *
 * @param hostName         goes into every event and into event ids
 * @param allowed          nothing outside is ever read
 * @param scanIntervalMs   how often globs are re-scanned
 * @param fingerprintBytes at most this many first bytes identify a file
 * @param closeInactiveMs  an open file that has not grown for this long is closed (and reopened when it grows)
 * @param maxOpenFiles     cap on open file handles
 */
public record TailSettings(String hostName, AllowedPaths allowed, long scanIntervalMs, int fingerprintBytes,
                           long closeInactiveMs, int maxOpenFiles) {
}
