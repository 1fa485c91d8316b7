package io.logcollect.tail.it;

import io.logcollect.testkit.PluginPackage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user installs: the Confluent Hub zip and the plugin directory. */
class PackagingIT {

    private final PluginPackage plugin = PluginPackage.ofModule(System.getProperty("logcollect.artifactId"),
            System.getProperty("logcollect.version"));

    @Test
    void zipHoldsTheManifestOurJarsAndNoKafkaOrSlf4jJar() {
        String version = System.getProperty("logcollect.version");
        assertEquals(List.of("collection-policy-" + version + ".jar", "failsafe-3.3.2.jar", "file-tail-source-connector-" + version + ".jar",
                "host-identity-" + version + ".jar", "jackson-annotations-2.21.jar", "jackson-core-2.21.2.jar", "jackson-databind-2.21.2.jar"),
                plugin.jars().stream().sorted().toList());
        assertEquals("file-tail-source-connector", plugin.manifest().path("name").asText());
        assertEquals(version, plugin.manifest().path("version").asText());
        assertEquals("[\"source\"]", plugin.manifest().path("component_types").toString());
        assertTrue(plugin.manifest().path("description").asText().contains("log files"));
        assertTrue(plugin.files().contains("doc/README.md"), plugin.files().toString());
    }

    @Test
    void serviceFilesDeclareTheConnectorAndTheConverterForServiceLoaderDiscovery() {
        assertEquals(List.of("io.logcollect.tail.FileTailSourceConnector"),
                plugin.services("org.apache.kafka.connect.source.SourceConnector"));
        assertEquals(List.of("io.logcollect.tail.record.LogRecordJsonConverter"),
                plugin.services("org.apache.kafka.connect.storage.Converter"));
    }

    @Test
    void pluginDirectoryHoldsTheSameFilesAsTheZip() {
        assertEquals(plugin.files(), plugin.directoryFiles());
    }
}
