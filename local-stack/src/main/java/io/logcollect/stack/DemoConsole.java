package io.logcollect.stack;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.logcollect.console.alerts.AlertSettings;
import io.logcollect.console.ConsoleSettings;
import io.logcollect.console.ConsoleServer;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.testkit.Workspace;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The web console for the demo: on 127.0.0.1, one admin user with a password made up for this run. */
final class DemoConsole {

    static final String USER = "admin";

    private final ConsoleServer server;
    private final String password;

    private DemoConsole(ConsoleServer server, String password) {
        this.server = server;
        this.password = password;
    }

    static DemoConsole start(int port, String etcdUrl, String searchUrl, String connectUrl, String kafka)
            throws IOException {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path users = Workspace.newDirectory("demo-console").resolve("users");
        Files.writeString(users, USER + ":admin:" + BCrypt.withDefaults().hashToString(10, password.toCharArray())
                + "\n");
        ConsoleSettings settings = new ConsoleSettings("127.0.0.1", port, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcdUrl)), PolicyStore.DEFAULT_PREFIX, List.of(),
                new ConnectionSettings(List.of(searchUrl.split(",")), null, null, null, null, false, 5_000, 30_000, 8, null, null,
                        null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*",
                Optional.of(new ConsoleSettings.ConnectCluster(URI.create(connectUrl), null, null)), Optional.of(kafka),
                "logcollect-sink", "logcollect-dlq", AlertSettings.defaults(), null, false);
        return new DemoConsole(ConsoleServer.start(settings), password);
    }

    String url() {
        return server.url();
    }

    String password() {
        return password;
    }
}
