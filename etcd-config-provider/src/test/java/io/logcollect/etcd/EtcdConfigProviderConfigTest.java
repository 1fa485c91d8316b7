package io.logcollect.etcd;

import io.logcollect.etcd.engine.EngineSettings;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtcdConfigProviderConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        EngineSettings settings = new EtcdConfigProviderConfig(Map.of("endpoints", "http://127.0.0.1:2379"))
                .engineSettings();
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), settings.etcd().endpoints());
        assertNull(settings.etcd().username());
        assertNull(settings.etcd().password());
        assertEquals(5000, settings.etcd().timeout().toMillis());
        assertTrue(settings.watchEnabled());
        assertEquals("http://localhost:8083", settings.connectRestUrl());
        assertEquals(1000, settings.restartDebounceMs());
        assertNull(settings.cacheDir());
        assertNull(settings.claimScope());
        assertEquals(600, settings.claimTtlSeconds());
    }

    @Test
    void everyParameter() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        Map<String, String> props = new HashMap<>();
        props.put("endpoints", "https://etcd-1:2379, https://etcd-2:2379/");
        props.put("username", "connect");
        props.put("password", "pw-123");
        props.put("tls.ca.file", ca.toString());
        props.put("tls.cert.file", cert.toString());
        props.put("tls.key.file", key.toString());
        props.put("timeout.ms", "2500");
        props.put("watch.enabled", "false");
        props.put("connect.rest.url", "http://worker-1:8083");
        props.put("connect.rest.username", "admin");
        props.put("connect.rest.password", "rest-pw");
        props.put("restart.debounce.ms", "200");
        props.put("restart.claim.scope", "central");
        props.put("cache.dir", dir.resolve("cache").toString());
        EngineSettings settings = new EtcdConfigProviderConfig(props).engineSettings();
        assertEquals(List.of(URI.create("https://etcd-1:2379"), URI.create("https://etcd-2:2379")),
                settings.etcd().endpoints());
        assertEquals("connect", settings.etcd().username());
        assertEquals("pw-123", settings.etcd().password());
        assertEquals(ca, settings.etcd().caFile());
        assertEquals(key, settings.etcd().keyFile());
        assertEquals(2500, settings.etcd().timeout().toMillis());
        assertFalse(settings.watchEnabled());
        assertEquals("admin", settings.connectRestUsername());
        assertEquals("rest-pw", settings.connectRestPassword());
        assertEquals(200, settings.restartDebounceMs());
        assertEquals("central", settings.claimScope());
        assertEquals(dir.resolve("cache"), settings.cacheDir());
        assertFalse(settings.toString().contains("pw-123"), settings.toString());
        assertFalse(settings.toString().contains("rest-pw"), settings.toString());
    }

    @Test
    void endpointsAreRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> new EtcdConfigProviderConfig(Map.of()));
        assertTrue(e.getMessage().contains("endpoints"), e.getMessage());
    }

    @Test
    void wrongValuesAreRefusedWithTheirKey() {
        assertRefused(Map.of("endpoints", "127.0.0.1:2379"), "http(s)://host:port");
        assertRefused(Map.of("endpoints", "http://a:2379,https://b:2379"), "mixes http and https");
        assertRefused(Map.of("endpoints", "https://a:2379", "tls.cert.file", dir.toString()), "tls.key.file");
        assertRefused(Map.of("endpoints", "https://a:2379", "tls.ca.file", dir.resolve("missing.pem").toString()),
                "tls.ca.file");
        assertRefused(Map.of("endpoints", "http://a:2379", "password", "secret-pw"), "without username");
    }

    private static void assertRefused(Map<String, String> props, String expected) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EtcdConfigProviderConfig(props).engineSettings());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("secret-pw"), e.getMessage());
    }
}
