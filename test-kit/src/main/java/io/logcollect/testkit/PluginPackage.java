package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What a plugin module packaged, read back as a user's worker would see it: the Confluent Hub zip
 * ({@code target/<artifactId>-<version>.zip}) and the plugin directory ({@code target/plugin/<artifactId>/}).
 */
public final class PluginPackage {

    private final String artifactId;
    private final String version;
    private final Map<String, byte[]> zipEntries;

    private PluginPackage(String artifactId, String version, Map<String, byte[]> zipEntries) {
        this.artifactId = artifactId;
        this.version = version;
        this.zipEntries = zipEntries;
    }

    /** Reads the zip of the module in the current directory (Failsafe runs in the module directory). */
    public static PluginPackage ofModule(String artifactId, String version) {
        Path zip = Path.of("target", artifactId + "-" + version + ".zip");
        if (!Files.exists(zip)) {
            throw new IllegalStateException(zip.toAbsolutePath() + " does not exist: run mvn package first");
        }
        try (InputStream in = Files.newInputStream(zip)) {
            return new PluginPackage(artifactId, version, unzip(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> unzip(InputStream in) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    entries.put(entry.getName(), zip.readAllBytes());
                }
            }
        }
        return entries;
    }

    private String base() {
        return artifactId + "-" + version + "/";
    }

    /** Every file in the zip, relative to its base directory. */
    public TreeSet<String> files() {
        TreeSet<String> files = new TreeSet<>();
        for (String name : zipEntries.keySet()) {
            if (!name.startsWith(base())) {
                throw new IllegalStateException(name + " is outside the zip's base directory " + base());
            }
            files.add(name.substring(base().length()));
        }
        return files;
    }

    /** The file names under {@code lib/}. */
    public List<String> jars() {
        return files().stream().filter(f -> f.startsWith("lib/")).map(f -> f.substring(4)).toList();
    }

    public JsonNode manifest() {
        byte[] manifest = zipEntries.get(base() + "manifest.json");
        if (manifest == null) {
            throw new IllegalStateException("no manifest.json in the zip");
        }
        try {
            return HttpJson.MAPPER.readTree(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The implementations the plugin's own jar declares in {@code META-INF/services/<serviceInterface>}. */
    public List<String> services(String serviceInterface) {
        byte[] jar = zipEntries.get(base() + "lib/" + artifactId + "-" + version + ".jar");
        if (jar == null) {
            throw new IllegalStateException("the plugin's own jar is not in lib/: " + jars());
        }
        try {
            byte[] services = unzip(new ByteArrayInputStream(jar)).get("META-INF/services/" + serviceInterface);
            if (services == null) {
                return List.of();
            }
            return Arrays.stream(new String(services, StandardCharsets.UTF_8).split("\n"))
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files of the plugin directory {@code target/plugin/<artifactId>/}, relative to it. */
    public TreeSet<String> directoryFiles() {
        Path dir = Path.of("target", "plugin", artifactId);
        try (Stream<Path> walk = Files.walk(dir)) {
            List<String> files = new ArrayList<>();
            walk.filter(Files::isRegularFile).forEach(p -> files.add(dir.relativize(p).toString()));
            return new TreeSet<>(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
        }
    }
}
