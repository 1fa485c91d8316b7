package io.logcollect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Command lines for the Kafka and Connect JVMs the kit starts. */
final class JavaProcesses {

    private JavaProcesses() {
    }

    /** The kit's heap and collector for a Kafka or Connect JVM with at most {@code heap}. */
    static List<String> defaultOptions(String heap) {
        return List.of("-Xms128m", "-Xmx" + heap, "-XX:+UseG1GC");
    }

    /**
     * {@code java <jvm options> -cp <kafka runtime> <mainClass> <args>}, logging through the kit's log4j2 file.
     */
    static List<String> kafkaCommand(Path dir, List<String> jvmOptions, String mainClass, String... args) {
        Path logConfig = dir.resolve("log4j2.properties");
        try (InputStream in = JavaProcesses.class.getResourceAsStream("log4j2.properties")) {
            Files.copy(in, logConfig, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Locations.currentJavaHome().resolve("bin/java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + logConfig.toUri(),
                "-cp", Locations.runtimeClasspath("kafka"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    static void writeProperties(Path file, Map<String, String> values) {
        Properties props = new Properties();
        props.putAll(values);
        try (var out = Files.newOutputStream(file)) {
            props.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
