package io.logcollect.etcd.it;

import io.logcollect.testkit.PluginPackage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user installs: the Confluent Hub zip and the plugin directory. */
class PackagingIT {

    private final String version = System.getProperty("logcollect.version");
    private final PluginPackage plugin = PluginPackage.ofModule(System.getProperty("logcollect.artifactId"), version);

    @Test
    void libHoldsOurJarJetcdGrpcNettyThePolicyParserAndJacksonButNoKafkaOrSlf4jJar() {
        assertEquals(List.of(
                "collection-policy-" + version + ".jar",
                "etcd-client-" + version + ".jar",
                "etcd-config-provider-" + version + ".jar",
                "failsafe-3.3.2.jar",
                "failureaccess-1.0.3.jar",
                "grpc-api-1.82.0.jar",
                "grpc-context-1.82.0.jar",
                "grpc-core-1.82.0.jar",
                "grpc-netty-1.82.0.jar",
                "grpc-protobuf-1.82.0.jar",
                "grpc-protobuf-lite-1.82.0.jar",
                "grpc-stub-1.82.0.jar",
                "grpc-util-1.82.0.jar",
                "guava-33.6.0-jre.jar",
                "host-identity-" + version + ".jar",
                "jackson-annotations-2.21.jar",
                "jackson-core-2.21.2.jar",
                "jackson-databind-2.21.2.jar",
                "javax.annotation-api-1.3.2.jar",
                "jetcd-api-0.8.7.jar",
                "jetcd-common-0.8.7.jar",
                "jetcd-core-0.8.7.jar",
                "jetcd-grpc-0.8.7.jar",
                "jspecify-1.0.0.jar",
                "listenablefuture-9999.0-empty-to-avoid-conflict-with-guava.jar",
                "netty-buffer-4.2.15.Final.jar",
                "netty-codec-base-4.2.15.Final.jar",
                "netty-codec-classes-quic-4.2.15.Final.jar",
                "netty-codec-compression-4.2.15.Final.jar",
                "netty-codec-dns-4.2.15.Final.jar",
                "netty-codec-http-4.2.15.Final.jar",
                "netty-codec-http2-4.2.15.Final.jar",
                "netty-codec-http3-4.2.15.Final.jar",
                "netty-codec-socks-4.2.15.Final.jar",
                "netty-common-4.2.15.Final.jar",
                "netty-handler-4.2.15.Final.jar",
                "netty-handler-proxy-4.2.15.Final.jar",
                "netty-resolver-4.2.15.Final.jar",
                "netty-resolver-dns-4.2.15.Final.jar",
                "netty-tcnative-classes-2.0.77.Final.jar",
                "netty-transport-4.2.15.Final.jar",
                "netty-transport-native-unix-common-4.2.15.Final.jar",
                "perfmark-api-0.27.0.jar",
                "proto-google-common-protos-2.64.1.jar",
                "protobuf-java-3.25.8.jar",
                "vertx-core-5.1.2.jar",
                "vertx-core-logging-5.1.2.jar",
                "vertx-grpc-5.1.2.jar"
                ), plugin.jars().stream().sorted().toList());
        assertTrue(plugin.jars().stream().noneMatch(j -> j.startsWith("kafka") || j.startsWith("connect-")
                || j.startsWith("slf4j") || j.startsWith("log4j")), plugin.jars().toString());
        assertTrue(plugin.jars().stream().filter(j -> j.startsWith("netty-") && !j.startsWith("netty-tcnative"))
                .allMatch(j -> j.endsWith("-4.2.15.Final.jar")), "one Netty generation: " + plugin.jars());
    }

    @Test
    void manifestDescribesAConfigProvider() {
        assertEquals("etcd-config-provider", plugin.manifest().path("name").asText());
        assertEquals(version, plugin.manifest().path("version").asText());
        assertEquals("[\"config_provider\"]", plugin.manifest().path("component_types").toString());
        assertEquals("logcollect etcd ConfigProvider", plugin.manifest().path("title").asText());
        assertTrue(plugin.manifest().path("description").asText().contains("etcd"));
        assertEquals("Apache License 2.0", plugin.manifest().path("license").get(0).path("name").asText());
    }

    @Test
    void serviceFileDeclaresTheProviderForServiceLoaderDiscovery() {
        assertEquals(List.of("io.logcollect.etcd.EtcdConfigProvider"),
                plugin.services("org.apache.kafka.common.config.provider.ConfigProvider"));
    }

    @Test
    void pluginDirectoryHoldsTheSameFilesAsTheZip() {
        assertEquals(plugin.files(), plugin.directoryFiles());
    }
}
