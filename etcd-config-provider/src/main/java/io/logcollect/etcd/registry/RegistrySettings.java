package io.logcollect.etcd.registry;

/**
 * Who this worker is in the registry.
 *
 * @param workerId     stable across restarts: the key's last part
 * @param host         the host it runs on
 * @param role         {@code agent} or {@code central}
 * @param version      the provider's version
 * @param restUrl      the worker's REST API
 * @param ttlSeconds   the lease: the key disappears this long after the worker dies
 * @param renewSeconds how often the lease is renewed
 */
public record RegistrySettings(String workerId, String host, String role, String version, String restUrl,
                               long ttlSeconds, long renewSeconds) {
}
