package io.logcollect.console;


import io.logcollect.console.alerts.AlertSettings;
import io.logcollect.console.search.SearchLimits;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.search.client.ConnectionSettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything the console connects to and how it listens. Secrets are never part of {@link #toString()}.
 *
 * @param searchIndex   the log indices searched (an index pattern list, e.g. {@code *,-logcollect-*,-.*})
 * @param statusIndex   where the agents' status records are ({@code logcollect-status-*})
 * @param metricsIndex  where the host metrics are ({@code logcollect-metrics-*})
 * @param connect       the central Connect cluster's REST API, if the pipeline page is wanted
 * @param kafka         bootstrap servers for sink lag and the dead-letter queue, if wanted
 * @param alerts        where alerts go and each rule's settings
 * @param metricsToken  a bearer token that lets Prometheus scrape {@code /metrics} without a session, if any
 * @param tlsProxy      the console is reached through a proxy that ends TLS: its cookies are Secure all the same
 */
public record ConsoleSettings(
        String listenHost,
        int listenPort,
        Path usersFile,
        Optional<Path> tlsKeystore,
        char[] tlsKeystorePassword,
        EtcdSettings etcd,
        String policyPrefix,
        List<String> allowedPaths,
        ConnectionSettings search,
        String searchIndex,
        String statusIndex,
        String metricsIndex,
        Optional<ConnectCluster> connect,
        Optional<String> kafka,
        String sinkConnector,
        String deadLetterTopic,
        AlertSettings alerts,
        char[] metricsToken,
        boolean tlsProxy,
        SearchLimits searchLimits) {

    /** With the default search limits. */
    public ConsoleSettings(String listenHost, int listenPort, Path usersFile, Optional<Path> tlsKeystore,
                           char[] tlsKeystorePassword, EtcdSettings etcd, String policyPrefix, List<String> allowedPaths,
                           ConnectionSettings search, String searchIndex, String statusIndex, String metricsIndex,
                           Optional<ConnectCluster> connect, Optional<String> kafka, String sinkConnector,
                           String deadLetterTopic, AlertSettings alerts, char[] metricsToken, boolean tlsProxy) {
        this(listenHost, listenPort, usersFile, tlsKeystore, tlsKeystorePassword, etcd, policyPrefix, allowedPaths,
                search, searchIndex, statusIndex, metricsIndex, connect, kafka, sinkConnector, deadLetterTopic, alerts,
                metricsToken, tlsProxy, SearchLimits.DEFAULTS);
    }

    /** The central Connect cluster's REST API. */
    public record ConnectCluster(URI url, String username, char[] password) {
        @Override
        public String toString() {
            return "ConnectCluster[" + url + (username == null ? "" : ", user=" + username) + "]";
        }
    }

    public boolean https() {
        return tlsKeystore.isPresent();
    }

    /** Whether browsers reach the console over TLS (its own, or a proxy's): cookies Secure, HSTS sent. */
    public boolean secureCookies() {
        return https() || tlsProxy;
    }

    @Override
    public String toString() {
        return "ConsoleSettings[listen=" + listenHost + ":" + listenPort + (https() ? " (https)" : "") + ", users="
                + usersFile + ", etcd=" + etcd.endpoints() + ", search=" + search + ", connect=" + connect + ", alerts to " + alerts.webhook().map(u -> u.getHost()).orElse("-") + "/"
                + alerts.mail().map(Object::toString).orElse("-") + "]";
    }
}
