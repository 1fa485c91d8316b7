package io.logcollect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Elasticsearch node from an integ-test distribution (no bundled JDK): 8 by default, 7 and 9 for the
 * compatibility tests. 7 and 8 run on this JDK, 9 on a JDK 21+ ({@link Locations#javaHome}). Elasticsearch
 * refuses to run as root, so when the tests run as root the node runs as {@code nobody} in a copy of the
 * distribution that user owns.
 */
public final class ElasticsearchNode extends SearchNode {

    /** The superuser of a secured node. */
    public static final String SUPERUSER = "logcollect-admin";

    private final TestCertificates certificates;

    private ElasticsearchNode(ServiceProcess process, HttpJson http, TestCertificates certificates) {
        super(process, http);
        this.certificates = certificates;
    }

    @Override
    public String flavor() {
        return "elasticsearch";
    }

    /** A node without security, on free ports; {@code settings} go into elasticsearch.yml. */
    public static ElasticsearchNode start(Map<String, String> settings) {
        return start(settings, null);
    }

    public static ElasticsearchNode start() {
        return start(Map.of(), null);
    }

    /**
     * A node; with a superuser password, security is on: HTTPS with a certificate of the kit's test CA and
     * basic authentication, user {@value #SUPERUSER}.
     */
    public static ElasticsearchNode start(Map<String, String> settings, String superuserPassword) {
        return start(8, settings, superuserPassword);
    }

    /** A node without security of another major version: 7 or 9 (or 8). */
    public static ElasticsearchNode startMajor(int major) {
        return start(major, Map.of(), null);
    }

    private static ElasticsearchNode start(int major, Map<String, String> settings, String superuserPassword) {
        Path javaHome = major >= 9 ? Locations.javaHome(21).orElseThrow(() -> new IllegalStateException(
                "Elasticsearch " + major + " needs a JDK 21+: install one under /usr/lib/jvm or set LOGCOLLECT_JAVA21_HOME"))
                : Locations.currentJavaHome();
        Path dir = Workspace.newDirectory("elasticsearch" + major);
        Path home = dir.resolve("home");
        copyTree(Locations.elasticsearchDistribution(major), home);
        int httpPort = Ports.free();
        TestCertificates certificates = superuserPassword == null ? null : TestCertificates.create();

        Map<String, String> yml = new LinkedHashMap<>();
        yml.put("cluster.name", "logcollect-test");
        yml.put("node.name", "es-1");
        yml.put("network.host", "127.0.0.1");
        yml.put("http.port", String.valueOf(httpPort));
        yml.put("transport.port", String.valueOf(Ports.free()));
        yml.put("discovery.type", "single-node");
        yml.put("path.data", dir.resolve("data").toString());
        yml.put("path.logs", dir.resolve("logs").toString());
        yml.put("action.destructive_requires_name", "false");
        if (Files.isDirectory(home.resolve("modules/x-pack-security"))) {
            yml.put("xpack.security.enabled", String.valueOf(certificates != null));
        }
        if (certificates != null) {
            Path certs = home.resolve("config/certs");
            copyTree(certificates.directory(), certs);
            yml.put("xpack.security.http.ssl.enabled", "true");
            yml.put("xpack.security.http.ssl.key", certs.resolve("server.key").toString());
            yml.put("xpack.security.http.ssl.certificate", certs.resolve("server.pem").toString());
            yml.put("xpack.security.http.ssl.certificate_authorities", certs.resolve("ca.pem").toString());
            yml.put("xpack.security.transport.ssl.enabled", "false");
        }
        yml.putAll(settings);
        StringBuilder text = new StringBuilder();
        yml.forEach((key, value) -> text.append(key).append(": \"").append(value.replace("\"", "\\\"")).append("\"\n"));
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(home.resolve("config/elasticsearch.yml"), text.toString());
            Files.writeString(home.resolve("config/jvm.options.d/heap.options"), "-Xms512m\n-Xmx1g\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            chownToNobody(dir);
        }
        Map<String, String> env = Map.of("ES_JAVA_HOME", javaHome.toString());
        if (certificates != null) {
            ServiceProcess.runOnce("elasticsearch-users", asServiceUser(root, List.of(
                            home.resolve("bin/elasticsearch-users").toString(), "useradd", SUPERUSER,
                            "-p", superuserPassword, "-r", "superuser")),
                    env, dir, java.time.Duration.ofSeconds(120));
        }
        ServiceProcess process = new ServiceProcess("elasticsearch",
                asServiceUser(root, List.of(home.resolve("bin/elasticsearch").toString())), env, dir);
        String scheme = certificates == null ? "http" : "https";
        HttpJson http = new HttpJson(scheme + "://127.0.0.1:" + httpPort,
                certificates == null ? null : SUPERUSER, superuserPassword,
                certificates == null ? null : certificates.sslContext(false));
        ElasticsearchNode node = new ElasticsearchNode(process, http, certificates);
        node.startProcess();
        return node;
    }

    /** The certificates of a secured node (its CA is in {@link TestCertificates#truststoreFile()}); null otherwise. */
    public TestCertificates certificates() {
        return certificates;
    }

    private static List<String> asServiceUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void copyTree(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void chownToNobody(Path dir) {
        try {
            var lookup = dir.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    Files.setOwner(d, nobody);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.setOwner(file, nobody);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + dir + " to user nobody", e);
        }
    }
}
