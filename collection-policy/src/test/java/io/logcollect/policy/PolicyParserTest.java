package io.logcollect.policy;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyParserTest {

    private static final AllowedPaths ALLOWED = AllowedPaths.of(List.of("/var/log", "/srv/app/logs"));

    private static ParsedPolicy parse(String json) {
        return PolicyParser.parse(json, ALLOWED);
    }

    private static String errorOf(String entry) {
        ParsedPolicy policy = parse("[" + entry + "]");
        assertEquals(List.of(), policy.entries());
        assertEquals(1, policy.errors().size());
        return policy.errors().get(0).message();
    }

    @Test
    void parsesAFullEntryWithEveryField() {
        ParsedPolicy policy = parse("""
                [{"id": "nginx-access", "paths": ["/var/log/nginx/access.log*"], "exclude": ["*.gz"],
                  "topic": "web_log", "start_at": "beginning", "encoding": "GBK",
                  "multiline": {"pattern": "^[ \\\\t]|^Caused by:", "negate": true, "match": "before",
                                "max_lines": 50, "timeout_ms": 700},
                  "max_line_bytes": 4096, "fields": {"app": "shop", "env": "prod"}, "ignore_older": "24h",
                  "enabled": false}]""");
        assertEquals(List.of(), policy.errors());
        CollectionEntry entry = policy.entries().get(0);
        assertEquals("nginx-access", entry.id());
        assertEquals(List.of("/var/log/nginx/access.log*"), entry.paths());
        assertEquals(List.of("*.gz"), entry.exclude());
        assertEquals("web_log", entry.topic());
        assertEquals(CollectionEntry.StartAt.BEGINNING, entry.startAt());
        assertEquals(Charset.forName("GBK"), entry.encoding());
        Multiline multiline = entry.multiline().orElseThrow();
        assertEquals("^[ \\t]|^Caused by:", multiline.pattern().pattern());
        assertTrue(multiline.negate());
        assertEquals(Multiline.Match.BEFORE, multiline.match());
        assertEquals(50, multiline.maxLines());
        assertEquals(700, multiline.timeoutMs());
        assertEquals(4096, entry.maxLineBytes());
        assertEquals(Map.of("app", "shop", "env", "prod"), entry.fields());
        assertEquals(Duration.ofHours(24), entry.ignoreOlder().orElseThrow());
        assertEquals(false, entry.enabled());
    }

    @Test
    void appliesDefaults() {
        CollectionEntry entry = parse("[{\"id\":\"a\",\"paths\":[\"/var/log/a.log\"],\"topic\":\"t\"}]").entries().get(0);
        assertEquals(CollectionEntry.StartAt.END, entry.startAt());
        assertEquals(Charset.forName("UTF-8"), entry.encoding());
        assertTrue(entry.multiline().isEmpty());
        assertEquals(1024 * 1024, entry.maxLineBytes());
        assertTrue(entry.ignoreOlder().isEmpty());
        assertTrue(entry.enabled());
    }

    @Test
    void everyErrorNamesTheFieldAtFault() {
        ParsedPolicy policy = parse("""
                [{"id": "p", "paths": ["relative.log"], "topic": "t"},
                 {"id": "m", "paths": ["/var/log/m.log"], "topic": "t", "multiline": {"pattern": "("}},
                 {"id": "t", "paths": ["/var/log/t.log"], "topic": "no spaces"},
                 {"id": "u", "paths": ["/var/log/u.log"], "topic": "t", "tpoic": "x"},
                 {"id": "Bad Id", "paths": ["/var/log/b.log"], "topic": "t"},
                 {"id": "s", "paths": ["/var/log/s.log"], "topic": "t", "start_at": "middle"},
                 {"id": "f", "paths": ["/var/log/f.log"], "topic": "t", "fields": {"n": 1}},
                 {"id": "p", "paths": ["/var/log/p.log"], "topic": "t"},
                 "not an object"]""");
        assertEquals(List.of("p:paths", "m:multiline", "t:topic", "u:tpoic", "Bad Id:id", "s:start_at", "f:fields",
                        "#8:"),
                policy.errors().stream().map(e -> e.entry() + ":" + e.field()).toList());
        assertEquals("entry 'p': path 'relative.log' is not absolute", policy.errors().get(0).message());
    }

    @Test
    void reportsEachBadEntryByIdAndKeepsTheGoodOnes() {
        ParsedPolicy policy = parse("""
                [{"id": "good", "paths": ["/var/log/good.log"], "topic": "t"},
                 {"id": "bad", "paths": ["relative.log"], "topic": "t"},
                 {"id": "good2", "paths": ["/srv/app/logs/**/*.log"], "topic": "t"}]""");
        assertEquals(List.of("good", "good2"), policy.entries().stream().map(CollectionEntry::id).toList());
        assertEquals(List.of("entry 'bad': path 'relative.log' is not absolute"),
                policy.errors().stream().map(EntryError::message).toList());
    }

    @Test
    void namesTheFieldThatIsWrong() {
        String base = "\"paths\":[\"/var/log/a.log\"],\"topic\":\"t\"";
        assertEquals("entry 'a': unknown fields colour, size", errorOf("{\"id\":\"a\"," + base + ",\"size\":1,\"colour\":2}"));
        assertEquals("entry '#0': id is required", errorOf("{" + base + "}"));
        assertEquals("entry 'A B': id must match [a-z0-9._-]{1,64}", errorOf("{\"id\":\"A B\"," + base + "}"));
        assertEquals("entry 'a': topic is required", errorOf("{\"id\":\"a\",\"paths\":[\"/var/log/a.log\"]}"));
        assertEquals("entry 'a': topic 'bad topic' is not a valid Kafka topic name",
                errorOf("{\"id\":\"a\",\"paths\":[\"/var/log/a.log\"],\"topic\":\"bad topic\"}"));
        assertEquals("entry 'a': paths must be an array of strings", errorOf("{\"id\":\"a\",\"paths\":\"/var/log\",\"topic\":\"t\"}"));
        assertEquals("entry 'a': paths must name at least one file or glob", errorOf("{\"id\":\"a\",\"paths\":[],\"topic\":\"t\"}"));
        assertEquals("entry 'a': start_at must be \"end\" or \"beginning\"", errorOf("{\"id\":\"a\"," + base + ",\"start_at\":\"middle\"}"));
        assertEquals("entry 'a': encoding 'KLINGON' is not a charset this Java runtime knows",
                errorOf("{\"id\":\"a\"," + base + ",\"encoding\":\"KLINGON\"}"));
        assertTrue(errorOf("{\"id\":\"a\"," + base + ",\"multiline\":{\"pattern\":\"([a\"}}")
                .startsWith("entry 'a': multiline.pattern is not a valid regular expression"));
        assertEquals("entry 'a': unknown field multiline.mode",
                errorOf("{\"id\":\"a\"," + base + ",\"multiline\":{\"pattern\":\"x\",\"mode\":1}}"));
        assertEquals("entry 'a': max_line_bytes must be a whole number from 1 to 67108864",
                errorOf("{\"id\":\"a\"," + base + ",\"max_line_bytes\":\"big\"}"));
        assertEquals("entry 'a': fields.env must be a string", errorOf("{\"id\":\"a\"," + base + ",\"fields\":{\"env\":1}}"));
        assertEquals("entry 'a': fields.policy is reserved: the connector sets it",
                errorOf("{\"id\":\"a\"," + base + ",\"fields\":{\"policy\":\"x\"}}"));
        assertEquals("entry 'a': ignore_older must be a duration like 30s, 15m, 24h or 7d, not 'soon'",
                errorOf("{\"id\":\"a\"," + base + ",\"ignore_older\":\"soon\"}"));
        assertEquals("entry 'a': enabled must be true or false", errorOf("{\"id\":\"a\"," + base + ",\"enabled\":\"yes\"}"));
        assertEquals("entry '#0': not a JSON object", errorOf("42"));
        assertEquals("entry 'a': timestamp.format is required", errorOf("{\"id\":\"a\"," + base + ",\"timestamp\":{}}"));
        assertEquals("entry 'a': unknown field timestamp.tz",
                errorOf("{\"id\":\"a\"," + base + ",\"timestamp\":{\"format\":\"UNIX\",\"tz\":\"UTC\"}}"));
        assertEquals("entry 'a': timestamp.zone 'Mars/Olympus' is not a time zone (e.g. UTC, Europe/Paris, +08:00)",
                errorOf("{\"id\":\"a\"," + base + ",\"timestamp\":{\"format\":\"UNIX\",\"zone\":\"Mars/Olympus\"}}"));
        assertEquals("entry 'a': '/var/log/**/a/**/b/**/c/**/d/**/e/**/f/**/g.log' has 7 '**'; at most 6 are allowed in one glob",
                errorOf("{\"id\":\"a\",\"paths\":[\"/var/log/**/a/**/b/**/c/**/d/**/e/**/f/**/g.log\"],\"topic\":\"t\"}"));
    }

    @Test
    void refusesPathsOutsideTheAllowedOnesDirectlyOrThroughDotDot() {
        assertEquals("entry 'a': path '/etc/shadow' is outside the allowed paths [/var/log, /srv/app/logs] of this worker",
                errorOf("{\"id\":\"a\",\"paths\":[\"/etc/shadow\"],\"topic\":\"t\"}"));
        assertEquals("entry 'a': path '/var/log/../../etc/shadow' is outside the allowed paths [/var/log, /srv/app/logs] of this worker",
                errorOf("{\"id\":\"a\",\"paths\":[\"/var/log/../../etc/shadow\"],\"topic\":\"t\"}"));
        assertEquals("entry 'a': path '/var/log/*/../../../etc/passwd' has '..' after a wildcard",
                errorOf("{\"id\":\"a\",\"paths\":[\"/var/log/*/../../../etc/passwd\"],\"topic\":\"t\"}"));
        assertEquals("entry 'a': path '/var/*.log' is outside the allowed paths [/var/log, /srv/app/logs] of this worker",
                errorOf("{\"id\":\"a\",\"paths\":[\"/var/*.log\"],\"topic\":\"t\"}"));
        assertEquals(List.of("/var/log/app/x.log"),
                parse("[{\"id\":\"a\",\"paths\":[\"/var/log/./app/../app/x.log\"],\"topic\":\"t\"}]").entries().get(0).paths());
    }

    @Test
    void refusesDuplicateIds() {
        ParsedPolicy policy = parse("[{\"id\":\"a\",\"paths\":[\"/var/log/a\"],\"topic\":\"t\"},"
                + "{\"id\":\"a\",\"paths\":[\"/var/log/b\"],\"topic\":\"t\"}]");
        assertEquals(1, policy.entries().size());
        assertEquals("entry 'a': duplicate id: another entry of the policy has it", policy.errors().get(0).message());
    }

    @Test
    void aDocumentThatIsNotAnArrayIsRefusedAsAWhole() {
        assertEquals("the collection policy must be a JSON array of entries, not a JSON object",
                assertThrows(InvalidPolicyException.class, () -> parse("{}")).getMessage());
        assertTrue(assertThrows(InvalidPolicyException.class, () -> parse("[{\"id\":"))
                .getMessage().startsWith("the collection policy is not valid JSON (line 1, column"));
        assertEquals("the collection policy is empty: expected a JSON array of entries",
                assertThrows(InvalidPolicyException.class, () -> parse("")).getMessage());
    }

    @Test
    void allowedPathsMustBeAbsolute() {
        assertEquals("allowed path 'logs' is not absolute",
                assertThrows(IllegalArgumentException.class, () -> AllowedPaths.of(List.of("logs"))).getMessage());
        assertEquals("no allowed path given: name at least one absolute directory",
                assertThrows(IllegalArgumentException.class, () -> AllowedPaths.of(List.of(" "))).getMessage());
    }
}
