package io.logcollect.policies.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands that need no etcd: validation, usage and the provider parameters of a worker config. */
class PolicyToolTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new PolicyTool(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPasswordIsNeverTakenFromTheCommandLine() {
        assertEquals(2, run("--password", "s3cr3t", "list"));
        assertTrue(err().contains("--password is not accepted"), err());
        assertTrue(!err().contains("s3cr3t") && !out.toString(StandardCharsets.UTF_8).contains("s3cr3t"), err());
    }

    @Test
    void aValidPolicyPasses() throws IOException {
        Path file = Files.writeString(dir.resolve("web.json"),
                "[{\"id\":\"nginx\",\"paths\":[\"/var/log/nginx/*.log\"],\"topic\":\"web_log\"}]");
        assertEquals(0, run("validate", file.toString()));
        assertTrue(err().contains("valid, 1 entry"), err());
    }

    @Test
    void everyEntryErrorIsPrinted() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), "[{\"id\":\"rel\",\"paths\":[\"var/log/x\"],"
                + "\"topic\":\"t\"},{\"id\":\"ok\",\"paths\":[\"/var/log/x\"],\"topic\":\"t\"},"
                + "{\"id\":\"typo\",\"paths\":[\"/var/log/y\"],\"topic\":\"t\",\"tpoic\":1}]");
        assertEquals(1, run("validate", file.toString()));
        assertTrue(err().contains("entry 'rel': path 'var/log/x' is not absolute"), err());
        assertTrue(err().contains("entry 'typo': unknown field tpoic"), err());
        assertTrue(err().contains("2 invalid entries of 3"), err());
    }

    @Test
    void pathsOutsideTheAllowedOnesAreRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("p.json"),
                "[{\"id\":\"shadow\",\"paths\":[\"/etc/shadow\"],\"topic\":\"t\"}]");
        assertEquals(1, run("--allowed-paths", "/var/log", "validate", file.toString()));
        assertTrue(err().contains("entry 'shadow': path '/etc/shadow' is outside the allowed paths"), err());
    }

    @Test
    void aDocumentThatIsNotAnArrayIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("o.json"), "{\"id\":\"x\"}");
        assertEquals(1, run("validate", file.toString()));
        assertTrue(err().contains("must be a JSON array"), err());
    }

    @Test
    void wrongUsageExitsWith2() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("--bogus", "list"));
        assertEquals(2, run("validate"));
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--expect-revision"));
    }

    @Test
    void providerParametersComeFromAWorkerConfig() throws IOException {
        Path worker = Files.writeString(dir.resolve("worker.properties"), String.join("\n",
                "bootstrap.servers=kafka:9092",
                "config.providers=etcd",
                "config.providers.etcd.class=io.logcollect.etcd.EtcdConfigProvider",
                "config.providers.etcd.param.endpoints=https://etcd-1:2379",
                "config.providers.etcd.param.username=agent",
                "config.providers.etcd.param.tls.ca.file=/etc/etcd/ca.pem",
                "config.providers.etcd.param.watch.enabled=true"));
        assertEquals(Map.of("endpoints", "https://etcd-1:2379", "username", "agent", "tls.ca.file", "/etc/etcd/ca.pem"),
                PolicyTool.providerParams(worker));
    }
}
