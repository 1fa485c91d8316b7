package io.logcollect.policies.cli;

import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.Locations;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator tool against a real etcd: validation before writing, revision checks, entry edits, the script. */
class PolicyToolIT {

    private static final String WEB = "[{\"id\":\"nginx\",\"paths\":[\"/var/log/nginx/access.log*\"],\"topic\":\"web_log\"}]";
    private static final String APP = "{\"id\":\"app\",\"paths\":[\"/var/log/app/*.log\"],\"topic\":\"app_log\"}";

    private final EtcdServer etcd = TestServices.etcd();
    private final Path dir = Workspace.newDirectory("policy-tool");
    private final String prefix = "/logcollect/it/" + UUID.randomUUID().toString().substring(0, 8) + "/policies";
    private String out;
    private String err;

    private int tool(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--endpoints", etcd.endpoint(), "--prefix", prefix,
                "--author", "operator@it"));
        all.addAll(List.of(args));
        int status = new PolicyTool(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of()).run(all.toArray(String[]::new));
        out = stdout.toString(StandardCharsets.UTF_8);
        err = stderr.toString(StandardCharsets.UTF_8);
        return status;
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private long revision() {
        String key = prefix + "/web/entries";
        assertEquals(0, tool("get", "web"), err);
        assertTrue(err.startsWith("mod_revision="), err);
        assertTrue(etcd.get(key) != null);
        return Long.parseLong(err.trim().substring("mod_revision=".length()));
    }

    @Test
    void putValidatesFirstAndRefusesToOverwriteSomeoneElsesChange() throws IOException {
        Path invalid = file("invalid.json", "[{\"id\":\"x\",\"paths\":[\"relative/*.log\"],\"topic\":\"t\"}]");
        assertEquals(1, tool("put", "web", invalid.toString()));
        assertTrue(err.contains("entry 'x': path 'relative/*.log' is not absolute"), err);
        assertTrue(err.contains("refused: " + prefix + "/web/entries was not written"), err);
        assertNull(etcd.get(prefix + "/web/entries"));

        Path web = file("web.json", WEB);
        assertEquals(0, tool("put", "web", web.toString()), err);
        assertEquals(WEB, etcd.get(prefix + "/web/entries"));
        long first = revision();

        assertEquals(1, tool("put", "web", web.toString(), "--expect-revision", "0"));
        assertTrue(err.contains("was expected not to exist, but its mod_revision is now " + first), err);
        assertEquals(1, tool("put", "web", file("other.json", "[]").toString()));
        assertTrue(err.contains("refused: policy 'web' exists at mod_revision " + first + "; replacing it needs "
                + "--expect-revision " + first), err);
        assertEquals(WEB, etcd.get(prefix + "/web/entries"));

        etcd.put(prefix + "/web/entries", "[]");
        long someoneElse = revision();
        assertEquals(1, tool("--expect-revision", String.valueOf(first), "put", "web", web.toString()));
        assertTrue(err.contains("was expected at mod_revision " + first + ", but its mod_revision is now "
                + someoneElse), err);
        assertTrue(err.contains("nothing was overwritten"), err);
        assertEquals("[]", etcd.get(prefix + "/web/entries"));

        assertEquals(0, tool("--expect-revision", String.valueOf(someoneElse), "put", "web", web.toString(), "-m",
                "second try"), err);
        assertEquals(WEB, etcd.get(prefix + "/web/entries"));

        assertEquals(0, tool("get", "web"));
        assertEquals(WEB, out.trim());
        long last = revision();
        assertEquals(0, tool("list"));
        assertTrue(out.trim().startsWith("web\tmod_revision=" + last + "\t1 entries\t"), out);
        assertTrue(out.trim().endsWith("\toperator@it\tsecond try"), out);
    }

    @Test
    void agentsListsEveryRegisteredWorkerWithWhatItApplied() {
        String id = "tool-" + UUID.randomUUID().toString().substring(0, 8);
        etcd.put("/logcollect/agents/" + id, "{\"id\":\"" + id + "\",\"host\":\"web-01\",\"role\":\"agent\","
                + "\"version\":\"0.2.0\",\"started\":\"2026-11-29T10:00:00Z\",\"rest_url\":\"http://127.0.0.1:8083\","
                + "\"keys\":{\"/logcollect/policies/web/entries\":{\"mod_revision\":812,\"applied\":\"2026-11-29T10:00:01Z\"}},"
                + "\"refused\":{\"/logcollect/policies/app/entries\":{\"mod_revision\":815,\"problem\":\"not JSON\"}}}");
        try {
            assertEquals(0, tool("agents"), err);
            assertTrue(out.contains(id + "\tagent\tweb-01\tversion=0.2.0\tstarted=2026-11-29T10:00:00Z"
                    + "\t/logcollect/policies/web/entries@812\trefused /logcollect/policies/app/entries@815"), out);
        } finally {
            etcd.delete("/logcollect/agents/" + id);
        }
    }

    @Test
    void entriesAreAddedAndRemovedByReadModifyWrite() throws IOException {
        assertEquals(0, tool("put", "web", file("web.json", WEB).toString()), err);
        Path app = file("app.json", APP);
        assertEquals(0, tool("add-entry", "web", app.toString()), err);
        assertTrue(etcd.get(prefix + "/web/entries").contains("\"app\""));
        assertEquals(1, tool("add-entry", "web", app.toString()));
        assertTrue(err.contains("already has an entry 'app'; use --replace"), err);
        Path changed = file("app2.json", APP.replace("app_log", "app_log_v2"));
        assertEquals(0, tool("add-entry", "web", changed.toString(), "--replace"), err);
        assertTrue(etcd.get(prefix + "/web/entries").contains("app_log_v2"));

        Path bad = file("bad.json", "{\"id\":\"bad\",\"paths\":[\"/x\"],\"topic\":\"t\",\"multiline\":{\"pattern\":\"(\"}}");
        assertEquals(1, tool("add-entry", "web", bad.toString()));
        assertTrue(err.contains("entry 'bad': multiline.pattern is not a valid regular expression"), err);
        assertFalse(etcd.get(prefix + "/web/entries").contains("\"bad\""));

        assertEquals(0, tool("remove-entry", "web", "nginx"), err);
        assertFalse(etcd.get(prefix + "/web/entries").contains("nginx"));
        assertEquals(1, tool("remove-entry", "web", "nginx"));
        assertTrue(err.contains("has no entry 'nginx'"), err);

        assertEquals(2, tool("delete", "web"));
        long revision = revision();
        assertEquals(1, tool("delete", "web", "--expect-revision", String.valueOf(revision - 1)));
        assertEquals(0, tool("delete", "web", "--expect-revision", String.valueOf(revision)), err);
        assertNull(etcd.get(prefix + "/web/entries"));
    }

    @Test
    void everyChangeIsInTheHistoryWithItsAuthorAndCanBeComparedAndRolledBack() throws IOException {
        assertEquals(0, tool("put", "web", file("web.json", WEB).toString(), "-m", "first"), err);
        long first = revision();
        Path app = file("app.json", APP);
        assertEquals(0, tool("add-entry", "web", app.toString(), "--comment", "collect the app"), err);
        long second = revision();

        assertEquals(0, tool("history", "web"), err);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertTrue(lines.get(0).startsWith(second + "\t") && lines.get(0).endsWith("\toperator@it\tcollect the app"),
                out);
        assertTrue(lines.get(1).startsWith(first + "\t") && lines.get(1).endsWith("\toperator@it\tfirst"), out);
        assertEquals(WEB.replace(" ", ""), etcd.get(prefix + "/web/history/" + first)
                .replaceAll(".*\"entries\":(\\[.*\\]),\"author.*", "$1"));

        assertEquals(0, tool("diff", "web", String.valueOf(first), String.valueOf(second)), err);
        assertTrue(out.startsWith("--- web@" + first + "\n+++ web@" + second + "\n@@ "), out);
        assertTrue(out.contains("+  \"id\" : \"app\","), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("-")&& !l.startsWith("---")), out);

        assertEquals(1, tool("rollback", "web", String.valueOf(first), "--expect-revision", String.valueOf(first)));
        assertTrue(err.contains("was expected at mod_revision " + first + ", but its mod_revision is now " + second
                + "; nothing was changed"), err);
        assertEquals(0, tool("rollback", "web", String.valueOf(first), "-m", "app logs too noisy"), err);
        long third = revision();
        assertEquals(0, tool("diff", "web", String.valueOf(first)), err);
        assertEquals("", out);
        assertEquals(0, tool("history", "web"), err);
        assertTrue(out.lines().findFirst().orElseThrow().equals(third + "\t" + out.lines().findFirst().orElseThrow()
                .split("\t")[1] + "\toperator@it\trollback to " + first + "\tapp logs too noisy"), out);

        assertEquals(0, tool("delete", "web", "--expect-revision", String.valueOf(third), "-m", "gone"), err);
        long deletion = Long.parseLong(out.trim().replaceAll(".* at revision ", ""));
        assertEquals(0, tool("history", "web"), err);
        assertTrue(out.lines().findFirst().orElseThrow().contains("\toperator@it\tdeleted\tgone"), out);
        assertEquals(1, tool("rollback", "web", String.valueOf(deletion)));
        assertTrue(err.contains("revision " + deletion + " of policy 'web' deleted it"), err);
        assertEquals(0, tool("list"), err);
        assertEquals("", out);
    }

    @Test
    void theInstalledScriptRunsTheToolWithNothingElseInstalled() throws Exception {
        Path policy = file("script.json", WEB);
        Path script = Path.of("target", "dist", "bin", "logcollect-policy").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "--endpoints", etcd.endpoint(), "--prefix",
                prefix, "put", "scripted", policy.toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", Locations.currentJavaHome().toString());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("script.json: valid, 1 entry"), output);
        assertTrue(output.contains("wrote " + prefix + "/scripted/entries at revision"), output);
        assertFalse(output.contains("SLF4J"), output);
        assertEquals(WEB, etcd.get(prefix + "/scripted/entries"));
    }
}
