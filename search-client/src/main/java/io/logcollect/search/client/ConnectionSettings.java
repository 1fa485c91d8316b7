package io.logcollect.search.client;

import java.util.List;

/**
 * Everything needed to reach the search engine. Secrets are char arrays handed over by the config and never
 * part of {@link #toString()}.
 */
public record ConnectionSettings(
        List<String> urls,
        String pathPrefix,
        String username,
        char[] password,
        char[] apiKey,
        boolean compression,
        int connectTimeoutMillis,
        int readTimeoutMillis,
        int maxConnections,
        String truststoreLocation,
        char[] truststorePassword,
        String truststoreType,
        String keystoreLocation,
        char[] keystorePassword,
        String keystoreType,
        char[] keyPassword,
        boolean hostnameVerification) {

    @Override
    public String toString() {
        return "ConnectionSettings[urls=" + urls + ", user=" + (username == null ? "(none)" : username)
                + ", apiKey=" + (apiKey == null ? "no" : "yes") + ", truststore=" + truststoreLocation
                + ", keystore=" + keystoreLocation + ", compression=" + compression + "]";
    }
}
