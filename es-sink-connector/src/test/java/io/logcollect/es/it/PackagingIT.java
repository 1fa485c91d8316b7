package io.logcollect.es.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.testkit.PluginPackage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users install: the Confluent Hub zip and the plugin directory. */
class PackagingIT {

    private final String artifactId = System.getProperty("logcollect.artifactId");
    private final String version = System.getProperty("logcollect.version");

    @Test
    void theZipHoldsThePluginAndItsClientButNoKafkaOrSlf4j() {
        PluginPackage plugin = PluginPackage.ofModule(artifactId, version);
        List<String> jars = plugin.jars();
        assertTrue(jars.contains(artifactId + "-" + version + ".jar"), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("elasticsearch-rest-client-9.")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("jackson-databind-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("jackson-core-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("httpasyncclient-")), jars.toString());
        for (String jar : jars) {
            assertTrue(!jar.startsWith("kafka-") && !jar.startsWith("connect-") && !jar.startsWith("slf4j-"), jar);
        }

        JsonNode manifest = plugin.manifest();
        assertEquals(artifactId, manifest.path("name").asText());
        assertEquals(version, manifest.path("version").asText());
        assertEquals(1, manifest.path("component_types").size());
        assertEquals("sink", manifest.path("component_types").get(0).asText());

        assertEquals(List.of("io.logcollect.es.ElasticsearchSinkConnector"),
                plugin.services("org.apache.kafka.connect.sink.SinkConnector"));
        assertEquals(plugin.files(), plugin.directoryFiles());
    }
}
