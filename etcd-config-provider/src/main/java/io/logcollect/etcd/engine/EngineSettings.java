package io.logcollect.etcd.engine;

import io.logcollect.etcd.client.EtcdSettings;

import java.nio.file.Path;

/**
 * Everything the engine needs besides etcd access.
 *
 * @param etcd                how to reach etcd
 * @param watchEnabled        whether resolved keys are watched and their users restarted on change
 * @param connectRestUrl      this worker's REST API
 * @param connectRestUsername basic-auth user of the REST API, or null
 * @param connectRestPassword its password, or null
 * @param connectRestCaFile   PEM CA of an https REST API's certificate, or null for the runtime's trusted CAs
 * @param restartDebounceMs   quiet period that coalesces bursts of changes
 * @param cacheDir            directory of the local value cache, or null for no cache
 * @param claimScope          the Connect cluster's name for restart claims, or null for the automatic scope
 * @param claimTtlSeconds     how long a restart claim lives in etcd
 */
public record EngineSettings(EtcdSettings etcd, boolean watchEnabled, String connectRestUrl,
                             String connectRestUsername, String connectRestPassword, Path connectRestCaFile,
                             long restartDebounceMs,
                             Path cacheDir, String claimScope, long claimTtlSeconds) {

    @Override
    public String toString() {
        return "EngineSettings[" + etcd + ", watchEnabled=" + watchEnabled + ", connectRestUrl=" + connectRestUrl
                + ", connectRestUsername=" + connectRestUsername + ", connectRestPassword="
                + (connectRestPassword == null ? "(none)" : "[hidden]") + ", connectRestCaFile=" + connectRestCaFile
                + ", restartDebounceMs=" + restartDebounceMs
                + ", cacheDir=" + cacheDir + ", claimScope=" + claimScope + ", claimTtlSeconds=" + claimTtlSeconds + "]";
    }
}
