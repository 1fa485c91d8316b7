package io.logcollect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** Where the build put what the kit launches: runtime classpaths, distributions, plugins, JDKs. */
public final class Locations {

    /** The plugin modules whose packaged directories a Connect worker loads by default. */
    public static final List<String> PLUGIN_MODULES =
            List.of("file-tail-source-connector", "es-sink-connector", "etcd-config-provider",
                    "host-metrics-source-connector");

    private Locations() {
    }

    /** The repository root: the {@code logcollect.root} property, else the nearest parent holding {@code .mvn/}. */
    public static Path root() {
        String property = System.getProperty("logcollect.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".mvn")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the logcollect repository root: set -Dlogcollect.root");
    }

    /** The classpath resolved by {@code test-runtimes/<runtime>}, as one {@code java -cp} argument. */
    public static String runtimeClasspath(String runtime) {
        Path file = root().resolve("test-runtimes").resolve(runtime).resolve("target/classpath.txt");
        try {
            String classpath = Files.exists(file) ? Files.readString(file).trim() : "";
            if (classpath.isEmpty()) {
                throw new IllegalStateException("the " + runtime + " runtime is not built (" + file + " missing): run"
                        + " 'mvn -q generate-resources -pl test-runtimes/" + runtime + " -am' from the repository root");
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unpacked Elasticsearch 8 distribution. */
    public static Path elasticsearchDistribution() {
        return elasticsearchDistribution(8);
    }

    /** The unpacked Elasticsearch distribution of a major version: 7, 8 or 9 (see test-runtimes/elasticsearch). */
    public static Path elasticsearchDistribution(int major) {
        Path distribution = root().resolve("test-runtimes/elasticsearch/target/distribution" + (major == 8 ? "" : "-" + major));
        try (Stream<Path> homes = Files.exists(distribution) ? Files.list(distribution) : Stream.empty()) {
            return homes.filter(p -> p.getFileName().toString().startsWith("elasticsearch-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the Elasticsearch distribution is not unpacked under "
                            + distribution + ": run 'mvn -q generate-resources -pl test-runtimes/elasticsearch -am'"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packaged plugin directories ({@code <module>/target/plugin}) that exist, for {@code plugin.path}. */
    public static List<Path> pluginDirectories() {
        List<Path> dirs = new ArrayList<>();
        for (String module : PLUGIN_MODULES) {
            Path dir = root().resolve(module).resolve("target/plugin");
            if (Files.isDirectory(dir)) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    /** The JDK running this JVM. */
    public static Path currentJavaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * A JDK of at least the given feature version: {@code LOGCOLLECT_JAVA21_HOME}, else the newest under
     * {@code /usr/lib/jvm}, else the running one if it is new enough.
     */
    public static Optional<Path> javaHome(int minimumFeature) {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("LOGCOLLECT_JAVA21_HOME");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.filter(d -> !Files.isSymbolicLink(d))
                        .sorted(Comparator.comparingInt(Locations::featureVersion).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        candidates.add(currentJavaHome());
        return candidates.stream()
                .filter(home -> Files.isExecutable(home.resolve("bin/java")) && featureVersion(home) >= minimumFeature)
                .findFirst();
    }

    static int featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.exists(release)) {
            return 0;
        }
        Properties props = new Properties();
        try (var in = Files.newInputStream(release)) {
            props.load(in);
        } catch (IOException e) {
            return 0;
        }
        String version = props.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
        String feature = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < feature.length() && Character.isDigit(feature.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(feature.substring(0, end));
    }
}
