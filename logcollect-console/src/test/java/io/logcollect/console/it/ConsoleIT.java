package io.logcollect.console.it;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.logcollect.console.agents.AgentState;
import io.logcollect.console.alerts.AlertRule;
import io.logcollect.console.alerts.AlertSettings;
import jakarta.mail.internet.MimeMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import io.logcollect.console.ConsoleSettings;
import io.logcollect.console.search.SavedSearches;
import io.logcollect.console.search.SearchLimits;
import io.logcollect.console.fleet.FleetSimulator;
import io.logcollect.console.ConsoleServer;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import io.logcollect.policies.store.Change;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.policies.store.SaveOutcome;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.Ports;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.TestCertificates;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (Debian's Chromium through Playwright) against real etcd, OpenSearch, Kafka, a
 * central Connect worker running the sink and an agent worker running the tail connector with the provider.
 */
class ConsoleIT {

    private static final String PREFIX = "/logcollect/policies";
    private static final String PASSWORD = "correct horse battery";
    private static final String BULK_INDEX = "console_bulk-2026.12.03";
    private static final int BULK_LINES = 12_000;
    /** The admin's limit on one export, below the bulk lines. */
    private static final long EXPORT_LIMIT = 10_000;
    /** The admin's longest range for viewers and editors. */
    private static final Duration MAX_RANGE = Duration.ofDays(7);

    private static KafkaBroker kafka;
    private static EtcdServer etcd;
    private static SearchNode search;
    private static ConnectWorker central;
    private static ConsoleServer console;
    private static EtcdStore etcdStore;
    private static PolicyStore store;
    private static String base;
    private static Instant bulkNewest;
    private static HttpServer webhook;
    private static final List<JsonNode> webhookBodies = new CopyOnWriteArrayList<>();
    private static GreenMail smtp;

    @BeforeAll
    static void start() throws IOException {
        kafka = TestServices.kafka();
        etcd = TestServices.etcd();
        search = TestServices.opensearch();
        central = ConnectWorker.distributed(kafka).start();
        Path users = Workspace.newDirectory("console-users").resolve("users");
        Files.writeString(users, "# the console's users\n"
                + "admin:admin:" + hash() + "\n"
                + "ann:editor:" + hash() + "\n"
                + "vic:viewer:" + hash() + "\n");
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            webhookBodies.add(HttpJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        AlertSettings alerts = new AlertSettings(Optional.of(java.net.URI.create("http://127.0.0.1:"
                + webhook.getAddress().getPort() + "/hook")), false, Optional.of(new AlertSettings.Mail("127.0.0.1",
                smtp.getSmtp().getPort(), false, null, null, "console@test.invalid", List.of("ops@test.invalid"))),
                Duration.ofHours(4), Duration.ofSeconds(2), Map.of(AlertRule.AGENT_OFFLINE, Duration.ofSeconds(5)),
                Map.of(), Optional.of("http://console.test.invalid"));
        ConsoleSettings settings = new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())), PREFIX, List.of(),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                        null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*",
                Optional.of(new ConsoleSettings.ConnectCluster(java.net.URI.create(central.restUrl()), null, null)),
                Optional.of(kafka.bootstrapServers()), "console-sink", "console-dlq", alerts,
                "scrape-token".toCharArray(), false, new SearchLimits(EXPORT_LIMIT, MAX_RANGE));
        console = ConsoleServer.start(settings);
        base = console.url();
        etcdStore = new EtcdStore(EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())));
        store = new PolicyStore(etcdStore, PREFIX, null);
        loadBulkLines();
    }

    @AfterAll
    static void stop() {
        console.stop();
        webhook.stop(0);
        smtp.stop();
        etcdStore.close();
        central.stop();
    }

    private static String hash() {
        return BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
    }

    private static Page logIn(String user) {
        return logIn(user, "UTC");
    }

    private static Page logIn(String user, String timeZone) {
        Page page = Browser.newPage(timeZone);
        page.navigate(base + "/login");
        page.fill("#username", user);
        page.fill("#password", PASSWORD);
        page.click("#login");
        page.waitForURL(url -> !url.contains("/login"));
        return page;
    }

    @Test
    void nobodyGetsInWithoutLoggingInAndLoggingOutEndsTheSession() {
        Page page = Browser.newPage();
        page.navigate(base + "/search?q=timeout");
        assertTrue(page.url().startsWith(base + "/login?next="), page.url());
        Browser.screenshot(page, "login");

        page.fill("#username", "ann");
        page.fill("#password", "wrong");
        page.click("#login");
        assertEquals("Wrong user name or password", page.textContent("#login-error").strip());

        page.fill("#username", "ann");
        page.fill("#password", PASSWORD);
        page.click("#login");
        page.waitForURL(base + "/search?q=timeout");
        Response landed = page.navigate(base + "/search?q=timeout");
        String csp = landed.headers().get("content-security-policy");
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
        Cookie session = page.context().cookies().stream().filter(c -> c.name.equals("LOGCOLLECT_SESSION"))
                .findFirst().orElseThrow();
        assertTrue(session.httpOnly);
        assertEquals(com.microsoft.playwright.options.SameSiteAttribute.STRICT, session.sameSite);
        assertEquals("ann (editor)", page.textContent("#user").strip());

        page.click("#logout");
        page.waitForURL(base + "/login");
        page.navigate(base + "/policies");
        assertTrue(page.url().startsWith(base + "/login"), page.url());
        page.context().close();
    }

    @Test
    void failedLoginsAreThrottled() {
        Page page = Browser.newPage();
        for (int i = 0; i < 5; i++) {
            page.navigate(base + "/login");
            page.fill("#username", "throttled-user");
            page.fill("#password", "guess " + i);
            page.click("#login");
            assertEquals("Wrong user name or password", page.textContent("#login-error").strip());
        }
        page.navigate(base + "/login");
        page.fill("#username", "throttled-user");
        page.fill("#password", "guess 6");
        page.click("#login");
        assertTrue(page.textContent("#login-error").startsWith("Too many failed logins"));
        page.context().close();
    }

    /**
     * {@code search.index} is the boundary of every search endpoint: a document in an index outside it (a
     * security index, another team's) is not shown, whatever the URL names.
     */
    @Test
    void aDocumentOutsideTheSearchIndicesIsNotShownWhateverTheUrlSays() {
        search.http().put("/.secret/_doc/1?refresh=true", Map.of("message", "the root password is hunter2",
                "@timestamp", Instant.now().toString())).expectOk();
        search.http().put("/logcollect-private/_doc/1?refresh=true", Map.of("message", "private hunter2",
                "@timestamp", Instant.now().toString())).expectOk();
        Page page = logIn("vic");
        for (String url : List.of("/search/document?index=.secret&id=1", "/search/surrounding?index=.secret&id=1",
                "/search/document?index=logcollect-private&id=1", "/search/document?index=.secret,console_bulk-*&id=1")) {
            Response response = page.navigate(base + url);
            assertEquals(404, response.status(), url);
            assertTrue(!page.content().contains("hunter2"), url);
        }
        Response shown = page.navigate(base + "/search/document?index=" + BULK_INDEX + "&id=bulk-7");
        assertEquals(200, shown.status());
        assertTrue(page.textContent("body").contains("bulk line 7"));
        assertEquals("no-store", shown.headers().get("cache-control"));
        page.context().close();
    }

    /** A console of its own, with the viewer vic as its only user, on {@code etcdSettings} and {@code engine}. */
    private static ConsoleServer viewersConsole(String name, EtcdSettings etcdSettings, ConnectionSettings engine)
            throws Exception {
        Path users = Workspace.newDirectory(name).resolve("users");
        Files.writeString(users, "vic:viewer:" + hash() + "\n");
        return ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null, etcdSettings,
                PREFIX, List.of(), engine, "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*",
                Optional.empty(), Optional.empty(), "console-sink", "console-dlq", AlertSettings.defaults(), null,
                false));
    }

    /** A new browser page, logged in as vic on {@code console}. */
    private static Page logInAsVic(ConsoleServer console) {
        Page page = Browser.newPage();
        page.navigate(console.url() + "/login");
        page.fill("#username", "vic");
        page.fill("#password", PASSWORD);
        page.click("#login");
        page.waitForURL(url -> !url.contains("/login"));
        return page;
    }

    /**
     * A service that does not answer is named on the page with a reference to the console's log, never with its
     * address, the request or the answer.
     */
    @Test
    void anUnreachableServiceIsNamedWithoutItsAddress() throws Exception {
        int closed = io.logcollect.testkit.Ports.free();
        ConsoleServer blind = viewersConsole("console-unreachable",
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())),
                new ConnectionSettings(List.of("http://127.0.0.1:" + closed), null, null, null, null, false, 2_000,
                        5_000, 4, null, null, null, null, null, null, null, true));
        try {
            Page page = logInAsVic(blind);
            Response agents = page.navigate(blind.url() + "/agents");
            assertEquals(502, agents.status());
            String text = page.textContent("body");
            assertTrue(text.contains("the search engine did not answer") || text.contains("did not answer or refused"),
                    text);
            assertTrue(text.contains("reference "), text);
            assertTrue(!text.contains(String.valueOf(closed)) && !text.contains("127.0.0.1")
                    && !text.contains("Connection refused"), text);
            page.context().close();
        } finally {
            blind.stop();
        }
    }

    /**
     * etcd down is when operators need log search most: the search page still shows the lines, and says that the
     * saved searches (kept in etcd) cannot be read now, without etcd's address.
     */
    @Test
    void theSearchWorksWhileEtcdIsDown() throws Exception {
        int closed = io.logcollect.testkit.Ports.free();
        ConsoleServer noEtcd = viewersConsole("console-etcd-down",
                EtcdSettings.fromParameters(Map.of("endpoints", "http://127.0.0.1:" + closed, "timeout.ms", "2000")),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                        null, null, null, null, null, null, true));
        try {
            Page page = logInAsVic(noEtcd);
            Response shown = page.navigate(noEtcd.url() + "/search?q=bulk&range=24h");
            assertEquals(200, shown.status(), page.textContent("body"));
            assertEquals(String.valueOf(BULK_LINES), page.textContent("#total").strip());
            assertEquals("bulk line " + (BULK_LINES - 1), page.locator("#hits pre.message").first().textContent());
            String saved = page.textContent("#saved");
            assertTrue(saved.contains("Saved searches cannot be read now"), saved);
            assertTrue(!saved.contains(String.valueOf(closed)) && !saved.contains("127.0.0.1"), saved);
            page.click("#saved summary");
            Browser.screenshot(page, "search-etcd-down");
            page.context().close();
        } finally {
            noEtcd.stop();
        }
    }

    /**
     * Behind a proxy that ends TLS the console itself speaks plain HTTP, yet its cookies must be {@code Secure}
     * (so a browser never sends them over plain HTTP) and it sends HSTS.
     */
    @Test
    void behindATlsProxyTheCookiesAreSecure() throws Exception {
        Path users = Workspace.newDirectory("console-proxy").resolve("users");
        Files.writeString(users, "pat:viewer:" + hash() + "\n");
        ConsoleServer proxied = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())), PREFIX, List.of(),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                        null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*", Optional.empty(),
                Optional.empty(), "console-sink", "console-dlq", AlertSettings.defaults(), null, true));
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> form = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(proxied.url() + "/login")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(loginCookie.contains("Secure"), loginCookie);
            assertTrue(form.headers().firstValue("Strict-Transport-Security").isPresent(), form.headers().toString());
            String token = form.body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
            java.net.http.HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(proxied.url() + "/login")).header("Content-Type",
                    "application/x-www-form-urlencoded").header("Cookie", loginCookie.split(";")[0])
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + java.net.URLEncoder.encode(
                            token, StandardCharsets.UTF_8) + "&username=pat&password=" + java.net.URLEncoder.encode(
                            PASSWORD, StandardCharsets.UTF_8))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(302, login.statusCode(), login.body());
            String session = login.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("LOGCOLLECT_SESSION=")).findFirst().orElseThrow();
            assertTrue(session.contains("Secure"), session);
        } finally {
            proxied.stop();
        }
    }

    /**
     * Sessions are made at login only, with a new CSRF token, and bound to the password: a changed password
     * ends the sessions that logged in with the old one.
     */
    @Test
    void theLoginMakesTheSessionAndAChangedPasswordEndsIt() throws Exception {
        Path users = Workspace.newDirectory("console-sessions").resolve("users");
        Files.writeString(users, "pat:viewer:" + hash() + "\n");
        ConsoleServer own = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())), PREFIX, List.of(),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                        null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*", Optional.empty(),
                Optional.empty(), "console-sink", "console-dlq", AlertSettings.defaults(), null, false));
        try {
            Page page = Browser.newPage();
            page.navigate(own.url() + "/login");
            assertTrue(page.context().cookies().stream().noneMatch(c -> c.name.equals("LOGCOLLECT_SESSION")),
                    "the login form made a session");
            String formToken = page.getAttribute("input[name=_csrf]", "value");
            page.fill("#username", "pat");
            page.fill("#password", PASSWORD);
            page.click("#login");
            page.waitForURL(url -> !url.contains("/login"));
            String sessionToken = (String) page.evaluate("() => document.body.dataset.csrf");
            assertTrue(!sessionToken.equals(formToken), "the CSRF token survived the login");
            assertEquals(200, page.navigate(own.url() + "/search").status());

            Files.writeString(users, "pat:viewer:" + BCrypt.withDefaults().hashToString(4,
                    "another password".toCharArray()) + "\n");
            Files.setLastModifiedTime(users, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 5_000));
            page.navigate(own.url() + "/search");
            assertTrue(page.url().startsWith(own.url() + "/login"), "a session outlived its password: " + page.url());
            page.context().close();
        } finally {
            own.stop();
        }
    }

    @Test
    void aViewerSeesNoEditControlsAndIsRefusedAChange() {
        long revision = saved(store.save("viewed", "[{\"id\":\"a\",\"paths\":[\"/var/log/a.log\"],\"topic\":\"t\"}]",
                store.read("viewed").map(v -> v.modRevision()).orElse(0L), Change.now("setup", "")));
        Page page = logIn("vic");
        page.navigate(base + "/policies/viewed");
        assertEquals(0, page.locator("#save").count());
        assertEquals(0, page.locator("#delete-policy").count());
        assertEquals("View", page.textContent("#entries .edit-entry").strip());
        Object status = page.evaluate("() => fetch('/policies/viewed', {method: 'POST', headers: {'Content-Type': "
                + "'application/x-www-form-urlencoded'}, body: 'document=[]&expected_revision=" + revision
                + "&_csrf=' + encodeURIComponent(document.body.dataset.csrf)}).then(r => r.status)");
        assertEquals(403, ((Number) status).intValue());
        assertEquals(revision, store.read("viewed").orElseThrow().modRevision());
        page.context().close();
    }

    @Test
    void aChangeWithoutTheSessionsTokenIsRefused() {
        long revision = saved(store.save("guarded", "[{\"id\":\"a\",\"paths\":[\"/var/log/a.log\"],\"topic\":\"t\"}]",
                store.read("guarded").map(v -> v.modRevision()).orElse(0L), Change.now("setup", "")));
        Page page = logIn("ann");
        Object withoutToken = page.evaluate("() => fetch('/policies/guarded', {method: 'POST', headers: "
                + "{'Content-Type': 'application/x-www-form-urlencoded'}, body: 'document=[]&expected_revision="
                + revision + "'}).then(r => r.status)");
        Object wrongToken = page.evaluate("() => fetch('/policies/guarded', {method: 'POST', headers: "
                + "{'Content-Type': 'application/x-www-form-urlencoded'}, body: 'document=[]&expected_revision="
                + revision + "&_csrf=forged'}).then(r => r.status)");
        assertEquals(403, ((Number) withoutToken).intValue());
        assertEquals(403, ((Number) wrongToken).intValue());
        assertEquals(revision, store.read("guarded").orElseThrow().modRevision());
        page.context().close();
    }

    @Test
    void anEditorFixesAFieldSeesAConflictComparesAndRollsBack() {
        String first = "[{\"id\":\"nginx\",\"paths\":[\"/var/log/nginx/access.log\"],\"topic\":\"web_log\"}]";
        long firstRevision = saved(store.save("web", first, store.read("web").map(v -> v.modRevision()).orElse(0L),
                Change.now("setup", "first cut")));
        Page page = logIn("ann");
        page.navigate(base + "/policies");
        Browser.screenshot(page, "policies");
        page.click("a.policy-link:text-is('web')");
        page.click("#entries .edit-entry");
        page.fill("#f-topic", "not a topic!");
        page.fill("#f-comment", "move to the new topic");
        page.click("#save-entry");
        assertTrue(page.textContent("#error-topic").contains("topic"), page.textContent("#error-topic"));
        assertTrue(page.locator(".field.bad #f-topic").isVisible());
        Browser.screenshot(page, "policy-entry-error");
        assertEquals(firstRevision, store.read("web").orElseThrow().modRevision(), "an invalid entry was saved");

        page.fill("#f-topic", "web_v2");
        page.click("#save-entry");
        assertTrue(page.textContent("#notice").startsWith("Saved entry 'nginx' of policy 'web' at revision"));
        long secondRevision = store.read("web").orElseThrow().modRevision();
        assertTrue(store.read("web").orElseThrow().value().contains("\"web_v2\""));
        assertEquals("ann", store.history("web").get(0).author());
        assertEquals("move to the new topic", store.history("web").get(0).comment());

        page.navigate(base + "/policies/web/entries/nginx");
        store.save("web", store.read("web").orElseThrow().value().replaceFirst("\\]\\s*$", ",{\"id\":\"other\",\"paths\":"
                + "[\"/var/log/other.log\"],\"topic\":\"other\"}]"), secondRevision, Change.now("carl", ""));
        page.fill("#f-topic", "web_form");
        page.click("#save-entry");
        String entryConflict = page.inputValue("#document");
        assertTrue(entryConflict.contains("\"web_form\"") && entryConflict.contains("\"other\""),
                "the conflict after an entry form lost the rest of the policy: " + entryConflict);
        secondRevision = store.read("web").orElseThrow().modRevision();

        page.navigate(base + "/policies/web");
        String mine = page.inputValue("#document").replace("web_v2", "web_mine");
        saved(store.save("web", store.read("web").orElseThrow().value().replace("web_v2", "web_theirs"),
                secondRevision, Change.now("bob", "meanwhile")));
        page.fill("#document", mine);
        page.fill("#comment", "mine");
        page.click("#save");
        assertTrue(page.textContent("#conflict").contains("You started from revision " + secondRevision));
        String diff = page.textContent("#diff");
        assertTrue(diff.contains("-  \"topic\" : \"web_theirs\"") && diff.contains("+  \"topic\" : \"web_mine\""),
                diff);
        Browser.screenshot(page, "policy-conflict");
        assertTrue(store.read("web").orElseThrow().value().contains("web_theirs"), "their change was overwritten");

        page.navigate(base + "/policies/web/history");
        List<String> authors = page.locator("#history tbody tr td:nth-child(3)").allTextContents();
        assertEquals(List.of("bob", "carl", "ann", "setup"), authors.subList(0, 4));
        page.fill("#diff-from", String.valueOf(firstRevision));
        page.click("#compare-button");
        String changes = page.textContent("#diff");
        assertTrue(changes.contains("-  \"topic\" : \"web_log\"") && changes.contains("+  \"topic\" : \"web_theirs\""),
                changes);
        Browser.screenshot(page, "policy-diff");

        page.navigate(base + "/policies/web/history");
        Locator firstRow = page.locator("#history tr[data-revision='" + firstRevision + "']");
        firstRow.locator("input[name=comment]").fill("back to the first cut");
        firstRow.locator("button.rollback").click();
        assertTrue(page.textContent("#notice").startsWith("Rolled policy 'web' back to revision " + firstRevision));
        assertEquals(first, store.read("web").orElseThrow().value());
        page.navigate(base + "/policies/web/history");
        Browser.screenshot(page, "policy-history");

        page.navigate(base + "/policies/web");
        page.click("#delete-policy summary");
        page.fill("#confirm-name", "wbe");
        page.click("#delete");
        assertTrue(page.textContent("#notice").startsWith("Not deleted: type the policy's name"));
        assertTrue(store.read("web").isPresent());
        page.click("#delete-policy summary");
        page.fill("#confirm-name", "web");
        page.click("#delete");
        page.waitForURL(base + "/policies");
        assertEquals("Deleted policy 'web'; its history is kept", page.textContent("#notice").strip());
        assertTrue(store.read("web").isEmpty());
        page.navigate(base + "/policies/web");
        assertTrue(page.url().endsWith("/policies/web/history"), page.url());
        assertEquals("ann", page.locator("#history tbody tr td:nth-child(3)").first().textContent());
        page.context().close();
    }

    @Test
    void anEntryAddedInTheConsoleIsCollectedByARealAgentSearchableAndTheAgentGoesOfflineWhenKilled()
            throws IOException {
        Path logs = Workspace.newDirectory("console-e2e");
        Path first = logs.resolve("first.log");
        Path added = logs.resolve("added.log");
        Files.writeString(first, "first line\n");
        saved(store.save("shop", "[{\"id\":\"first\",\"paths\":[\"" + first + "\"],\"topic\":\"console_shop\","
                + "\"start_at\":\"beginning\"}]", store.read("shop").map(v -> v.modRevision()).orElse(0L),
                Change.now("setup", "")));
        central.putConnector("console-sink", Map.of("connector.class", "io.logcollect.es.ElasticsearchSinkConnector",
                "tasks.max", "1", "topics", "console_shop,logcollect-status", "connection.url", search.url(),
                "linger.ms", "100"));
        central.awaitRunning("console-sink", 1, Duration.ofMinutes(1));
        ConnectWorker agent = agent(logs);

        Page page = logIn("ann");
        page.navigate(base + "/policies/shop/entries/new");
        page.fill("#f-id", "added");
        page.fill("#f-paths", added.toString());
        page.fill("#f-topic", "console_shop");
        page.selectOption("#f-start_at", "beginning");
        page.fill("#f-fields", "app=shop\nkind=added");
        page.fill("#f-comment", "collect the added log");
        page.click("#save-entry");
        assertTrue(page.textContent("#notice").startsWith("Saved entry 'added'"), page.textContent("#notice"));
        long revision = store.read("shop").orElseThrow().modRevision();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("consoletoken order " + i + " shipped");
        }
        Files.write(added, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        await(Duration.ofSeconds(90), () -> {
            page.navigate(base + "/search?q=consoletoken&range=1h");
            return page.textContent("#total").strip().equals("30");
        }, "the added file's lines did not reach the search page");
        List<String> shown = page.locator("#hits pre.message").allTextContents();
        List<String> expected = new ArrayList<>(lines);
        java.util.Collections.reverse(expected);
        assertEquals(expected, shown);
        assertEquals("consoletoken", page.locator("#hits mark").first().textContent());
        Browser.screenshot(page, "search");

        await(Duration.ofSeconds(30), () -> {
            page.navigate(base + "/policies/shop");
            return page.textContent("body").contains("1 of 1 agent on revision " + revision);
        }, "the rollout never showed the agent on the new revision");
        Browser.screenshot(page, "policy");

        String host = java.net.InetAddress.getLocalHost().getHostName();
        await(Duration.ofSeconds(60), () -> {
            page.navigate(base + "/agents");
            Locator row = page.locator("#agents tr[data-host='" + host + "']");
            return row.count() == 1 && row.getAttribute("class").equals("online")
                    && row.locator("td:nth-child(6)").textContent().strip().equals("2");
        }, "the agent never showed online with its two files");
        Browser.screenshot(page, "agents");
        page.navigate(base + "/agents/" + host);
        page.waitForSelector("#charts[data-ready=true]");
        assertTrue(page.textContent("#tasks").contains("agent-shop-0"));
        Browser.screenshot(page, "agent");

        agent.kill();
        long killed = System.nanoTime();
        await(Duration.ofSeconds(30), () -> {
            page.navigate(base + "/agents");
            Locator row = page.locator("#agents tr[data-host='" + host + "']");
            return row.count() == 1 && row.getAttribute("class").equals("offline")
                    && row.locator(".state").textContent().contains("last seen");
        }, "the killed agent did not show offline within 30 s");
        System.out.printf("agent shown offline %.1f s after kill -9%n", (System.nanoTime() - killed) / 1e9);
        page.context().close();
    }

    /**
     * Three hosts run the shipped agent connector under the same connector name, each with its own policy and
     * files: three rows, each with its own files; one killed with {@code kill -9} alone goes offline, stays with
     * when it was last seen, and an admin forgets it.
     */
    @Test
    void aFleetRunningTheSameConnectorNameShowsOneRowPerHostAndOnlyTheKilledHostGoesOffline() throws Exception {
        Map<String, String> sink = ShippedConfigs.sink(search.url(), "fleet_logs|logcollect-status");
        sink.put("tasks.max", "1");
        // named, not matched: a regex subscription finds a topic created later only at its next metadata refresh
        sink.remove("topics.regex");
        sink.put("topics", "fleet_logs,logcollect-status");
        central.putConnector("fleet-sink", sink);
        central.awaitRunning("fleet-sink", 1, Duration.ofMinutes(1));
        List<ConnectWorker> workers = new ArrayList<>();
        try {
            for (int host = 1; host <= 3; host++) {
                Path logs = Workspace.newDirectory("fleet-h" + host);
                for (int file = 1; file <= host; file++) {
                    Files.writeString(logs.resolve("app" + file + ".log"), "fleet h" + host + " file " + file + "\n");
                }
                saved(store.save("fleet-h" + host, "[{\"id\":\"app\",\"paths\":[\"" + logs + "/*.log\"],"
                        + "\"topic\":\"fleet_logs\",\"start_at\":\"beginning\"}]", 0, Change.now("setup", "")));
                workers.add(ConnectWorker.agent(kafka, etcd.endpoint()).environment("LOGCOLLECT_HOST_NAME",
                        "fleet-h" + host).connector("logcollect-agent", ShippedConfigs.agent("fleet-h" + host, logs))
                        .start());
            }
            Page page = logIn("admin");
            awaitShowing(page, Duration.ofSeconds(90), () -> {
                page.navigate(base + "/agents?q=fleet-h");
                for (int host = 1; host <= 3; host++) {
                    Locator row = page.locator("#agents tr[data-host='fleet-h" + host + "']");
                    if (row.count() != 1 || !row.getAttribute("class").equals("online")
                            || !row.locator("td:nth-child(6)").textContent().strip().equals(Integer.toString(host))) {
                        return false;
                    }
                }
                return page.locator("#agents tbody tr").count() == 3;
            }, "the three hosts never showed online, each with its own files", "#agents");
            Browser.screenshot(page, "agents-fleet");
            String metrics = scrape("scrape-token", 200);
            for (int host = 1; host <= 3; host++) {
                assertTrue(metrics.contains("logcollect_host_state{host=\"fleet-h" + host + "\",state=\"online\"} 1.0"),
                        metrics);
                assertTrue(metrics.contains("logcollect_host_files_tracked{host=\"fleet-h" + host + "\"} " + host
                        + ".0"), metrics);
            }
            scrape("wrong-token", 401);

            Path missing = Workspace.newDirectory("fleet-failing").resolve("not-there");
            workers.get(2).putConnector("fleet-failing", Map.of("connector.class",
                    "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max", "1", "topics", "fleet_failing",
                    "file", missing.resolve("out.txt").toString()));
            awaitShowing(page, Duration.ofSeconds(60), () -> {
                page.navigate(base + "/agents?q=fleet-h3");
                Locator row = page.locator("#agents tr[data-host='fleet-h3']");
                return "failed".equals(row.getAttribute("class"))
                        && row.locator(".state").textContent().contains("fleet-failing-0 FAILED");
            }, "a FAILED task on fleet-h3 did not show", "#agents");
            awaitWebhook("task_failed", "firing", "fleet-h3 ");
            workers.get(2).deleteConnector("fleet-failing");
            awaitWebhook("task_failed", "resolved", "fleet-h3 ");
            page.navigate(base + "/agents?q=fleet-h3");
            assertEquals("online", page.locator("#agents tr[data-host='fleet-h3']").getAttribute("class"));

            workers.get(1).kill();
            long killed = System.nanoTime();
            await(Duration.ofSeconds(30), () -> {
                page.navigate(base + "/agents?q=fleet-h");
                Locator row = page.locator("#agents tr[data-host='fleet-h2']");
                return row.count() == 1 && row.getAttribute("class").equals("offline")
                        && row.locator(".state").textContent().contains("last seen");
            }, "the killed host did not show offline within 30 s");
            System.out.printf("fleet host shown offline %.1f s after kill -9%n", (System.nanoTime() - killed) / 1e9);
            for (String alive : List.of("fleet-h1", "fleet-h3")) {
                assertEquals("online", page.locator("#agents tr[data-host='" + alive + "']").getAttribute("class"),
                        alive + " was not killed");
            }
            page.navigate(base + "/agents?state=offline&q=fleet-h");
            assertEquals(List.of("fleet-h2"), page.locator("#agents tbody tr").evaluateAll(
                    "rows => rows.map(r => r.dataset.host)"));

            JsonNode fired = awaitWebhook("agent_offline", "firing", "fleet-h2");
            System.out.printf("agent_offline told by webhook %.1f s after kill -9%n", (System.nanoTime() - killed) / 1e9);
            assertEquals("http://console.test.invalid/alerts", fired.path("console").asText());
            MimeMessage[] mails = new MimeMessage[1];
            await(Duration.ofSeconds(30), () -> {
                mails[0] = java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
                    try {
                        return m.getSubject().equals("[logcollect] FIRING 1 agent_offline: fleet-h2");
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElse(null);
                return mails[0] != null;
            }, "no mail about fleet-h2 going offline within 30 s");
            MimeMessage mail = mails[0];
            assertEquals("ops@test.invalid", mail.getAllRecipients()[0].toString());
            assertTrue(GreenMailUtil.getBody(mail).contains("FIRING   fleet-h2: no worker registered"),
                    GreenMailUtil.getBody(mail));
            page.navigate(base + "/alerts");
            assertEquals(1, page.locator("#firing tr[data-rule='agent_offline'][data-subject='fleet-h2']").count());
            for (String alive : List.of("fleet-h1", "fleet-h3")) {
                assertEquals(0, page.locator("#firing tr[data-subject='" + alive + "']").count(), alive + " fires");
            }
            Browser.screenshot(page, "alerts");
            String firingMetrics = scrape("scrape-token", 200);
            assertTrue(firingMetrics.contains("logcollect_host_state{host=\"fleet-h2\",state=\"offline\"} 1.0"),
                    firingMetrics);
            assertTrue(firingMetrics.matches("(?s).*logcollect_alerts_firing\\{rule=\"agent_offline\"} [1-9].*"),
                    firingMetrics);

            workers.get(1).startProcess();
            awaitWebhook("agent_offline", "resolved", "fleet-h2");
            // the state is written to etcd after the round's notifications
            await(Duration.ofSeconds(10), () -> {
                page.navigate(base + "/alerts");
                return page.locator("#firing tr[data-subject='fleet-h2']").count() == 0;
            }, "the resolved alert still shows as firing");
            assertEquals(List.of("resolved", "firing"), page.locator("#history tr:has(td:text-is('fleet-h2')) "
                    + "td:nth-child(4)").allTextContents().subList(0, 2));
            page.selectOption("#s-rule", "agent_offline");
            page.fill("#s-subject", "fleet-h2");
            page.fill("#s-duration", "1h");
            page.fill("#s-comment", "planned maintenance");
            page.click("#silence");
            assertTrue(page.textContent("#notice").startsWith("Silenced agent_offline for fleet-h2 until "),
                    page.textContent("#notice"));
            int toldBefore = webhookBodies.size();
            workers.get(1).stop();
            awaitShowing(page, Duration.ofSeconds(40), () -> {
                page.navigate(base + "/alerts");
                return page.locator("#firing tr[data-subject='fleet-h2']").count() == 1;
            }, "fleet-h2 stopped again did not fire", "#firing");
            assertTrue(page.textContent("#firing tr[data-subject='fleet-h2']").contains("(silenced)"));
            Thread.sleep(5_000);
            assertEquals(toldBefore, webhookBodies.size(), "a silenced alert was told: " + webhookBodies);
            page.click("#silences tr[data-silence] button");
            assertTrue(page.textContent("#notice").startsWith("Ended silence "), page.textContent("#notice"));
            await(Duration.ofSeconds(30), () -> webhookBodies.stream()
                    .filter(body -> body.path("firing").toString().contains("\"fleet-h2\"")).count() == 2,
                    "not told once when it fired and once when its silence ended: " + webhookBodies);

            Page viewer = logIn("vic");
            viewer.navigate(base + "/agents/fleet-h2");
            assertEquals(0, viewer.locator("#forget").count(), "a viewer is offered no forget button");
            Object status = viewer.evaluate("() => fetch('/agents/fleet-h2/forget', {method: 'POST', headers: "
                    + "{'Content-Type': 'application/x-www-form-urlencoded'}, body: '_csrf=' + "
                    + "encodeURIComponent(document.body.dataset.csrf)}).then(r => r.status)");
            assertEquals(403, ((Number) status).intValue(), "a viewer may not forget a host");
            viewer.context().close();

            page.navigate(base + "/agents/fleet-h2");
            page.click("#forget");
            page.waitForURL(base + "/agents");
            assertEquals("Forgot host 'fleet-h2'", page.textContent("#notice").strip());
            assertEquals(0, page.locator("#agents tr[data-host='fleet-h2']").count());
            assertEquals(1, page.locator("#agents tr[data-host='fleet-h1']").count());
            page.context().close();
        } finally {
            workers.forEach(ConnectWorker::stop);
            central.deleteConnector("fleet-sink");
        }
    }

    /**
     * Fifty simulated hosts (real leases in etcd, status records in the engine, two workers each) in every state:
     * each state's filter lists exactly its hosts, and {@code /metrics} counts them the same.
     */
    @Test
    void fiftySimulatedHostsEachShowTheirOwnState() throws Exception {
        try (FleetSimulator fleet = new FleetSimulator(etcdStore, search, "logcollect-status-sim")) {
            Map<AgentState, List<String>> expected = new java.util.EnumMap<>(AgentState.class);
            expected.put(AgentState.ONLINE, fleet.add("sim", 30, AgentState.ONLINE));
            for (AgentState state : List.of(AgentState.STALE, AgentState.FAILED, AgentState.OUTPUT_BLOCKED,
                    AgentState.OFFLINE)) {
                expected.put(state, fleet.add("sim", 5, state));
            }
            fleet.run();
            Page page = logIn("vic");
            long started = System.nanoTime();
            page.navigate(base + "/agents?q=sim-");
            System.out.printf("agents page of %d simulated hosts in %.0f ms%n", fleet.size(),
                    (System.nanoTime() - started) / 1e6);
            assertEquals(50, page.locator("#agents tbody tr").count());
            for (Map.Entry<AgentState, List<String>> state : expected.entrySet()) {
                page.navigate(base + "/agents?q=sim-&state=" + state.getKey().key());
                Object shown = page.locator("#agents tbody tr").evaluateAll("rows => rows.map(r => r.dataset.host)");
                assertEquals(state.getValue(), shown, state.getKey().label());
            }
            String metrics = scrape("scrape-token", 200);
            for (Map.Entry<AgentState, List<String>> state : expected.entrySet()) {
                for (String host : state.getValue()) {
                    assertTrue(metrics.contains("logcollect_host_state{host=\"" + host + "\",state=\""
                            + state.getKey().key() + "\"} 1.0"), host + " " + state.getKey().key());
                }
            }
            page.context().close();
        }
    }

    /**
     * A point in time names its own indices: one from the URL that the console did not open must not be searched
     * (here one opened on an index outside search.index). And a session pages in one point in time at a time: the
     * next search's closes the one before.
     */
    @Test
    void onlyTheConsolesOwnPointsInTimeAreSearchedAndASessionHoldsOne() {
        String secret = ".pit-secret";
        search.http().put("/" + secret, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
        search.bulk("{\"index\":{\"_index\":\"" + secret + "\"}}\n" + document(Instant.now().minusSeconds(3600),
                "web-1", "/var/log/secret.log", 0, "forgedpit secret line"));
        search.refresh(secret);
        String forged = search.http().send("POST", "/" + secret + "/_search/point_in_time?keep_alive=5m", null, null)
                .json().path("pit_id").asText();
        try {
            Page page = logIn("vic");
            page.navigate(base + "/search?q=bulk&range=24h");
            String older = page.getAttribute("#older", "href");
            String cursor = older.replaceAll(".*[?&]after=([^&]*).*", "$1");
            page.navigate(base + "/search?q=forgedpit&range=24h&after=" + cursor + "&pit="
                    + java.net.URLEncoder.encode(forged, StandardCharsets.UTF_8));
            assertEquals("0", page.textContent("#total").strip(), "a point in time from the URL was searched");
            assertFalse(page.content().contains("forgedpit secret line"));

            // points in time of earlier tests may expire meanwhile: count only the ones opened from here on
            java.util.Set<String> before = openPointsInTime();
            // the second page opens a point in time (its own "older" link carries it on)
            page.navigate(base + "/search?q=bulk&range=24h");
            page.click("#older");
            page.waitForURL(url -> url.contains("after=") && url.contains("q=bulk"));
            assertTrue(page.getAttribute("#older", "href").contains("pit="), page.getAttribute("#older", "href"));
            java.util.Set<String> first = openPointsInTime();
            first.removeAll(before);
            assertEquals(1, first.size(), "paging opened one point in time: " + first);
            page.navigate(base + "/search?q=line&range=24h");
            page.click("#older");
            page.waitForURL(url -> url.contains("after=") && url.contains("q=line"));
            java.util.Set<String> second = openPointsInTime();
            second.removeAll(before);
            assertEquals(1, second.size(), "the session's previous point in time was left open: " + second);
            assertFalse(second.containsAll(first), "the second search pages in a point in time of its own");
            page.context().close();
        } finally {
            search.http().send("DELETE", "/" + secret, null, null);
        }
    }

    /** The ids of the points in time open on the search node now. */
    private static java.util.Set<String> openPointsInTime() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        search.http().get("/_search/point_in_time/_all").json().path("pits")
                .forEach(pit -> ids.add(pit.path("pit_id").asText()));
        return ids;
    }

    /**
     * An index whose {@code @timestamp} is text cannot be sorted: its shard fails while the others answer. The page
     * says the results are incomplete, and why, instead of showing them as the whole answer.
     */
    @Test
    void resultsWithAFailedShardAreShownAsIncomplete() {
        String broken = "console_textstamp-2026.12.04";
        search.http().put("/" + broken, Map.of("mappings", Map.of("properties", Map.of("@timestamp",
                Map.of("type", "text"), "message", Map.of("type", "text"))))).expectOk();
        search.bulk("{\"index\":{\"_index\":\"" + broken + "\"}}\n{\"@timestamp\":\"" + Instant.now()
                + "\",\"message\":\"bulk line 1\"}\n");
        search.refresh(broken);
        try {
            Page page = logIn("vic");
            page.navigate(base + "/search?q=%22bulk+line+11999%22&range=24h");
            assertEquals("1", page.textContent("#total").strip(), "the other indices still answer");
            assertTrue(page.textContent("#incomplete").startsWith("These results are incomplete: 1 of "),
                    page.textContent("#incomplete"));
            assertTrue(page.textContent("#incomplete").contains(broken), page.textContent("#incomplete"));
            page.context().close();
        } finally {
            search.http().send("DELETE", "/" + broken, null, null);
        }
    }

    /**
     * A host's charts draw the disk and network counters, cumulative as Metricbeat's, as rates per second (so the
     * unit does not change with the range), the host's network total from its per-period deltas, one chosen
     * interface from its counters, and the used share of each file system.
     */
    @Test
    void hostChartsShowCountersAsRatesPerSecond() throws Exception {
        String host = "chart-host";
        Instant now = Instant.now();
        String index = "logcollect-metrics-charts";
        search.http().put("/" + index, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            String time = now.minusSeconds(600 - i * 10L).toString();
            String common = "\"@timestamp\":\"" + time + "\",\"host\":{\"name\":\"" + host + "\"}";
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{").append(common)
                    .append(",\"metricset\":{\"name\":\"diskio\",\"period\":10000},\"system\":{\"diskio\":{")
                    .append("\"name\":\"vda\",\"write\":{\"bytes\":").append(5_000_000L + i * 10_000L)
                    .append(",\"count\":").append(900 + i * 50).append("},\"read\":{\"bytes\":0,\"count\":0}}}}\n");
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{").append(common)
                    .append(",\"metricset\":{\"name\":\"network\",\"period\":10000},\"system\":{\"network\":{")
                    .append("\"name\":\"eth0\",\"in\":{\"bytes\":").append(7_000_000L + i * 30_000L)
                    .append("},\"out\":{\"bytes\":1}}}}\n");
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{\"@timestamp\":\"").append(time)
                    .append("\",\"metricset\":{\"name\":\"network\",\"period\":10000},\"host\":{\"name\":\"")
                    .append(host).append("\",\"network\":{\"ingress\":{\"bytes\":20000},\"egress\":{\"bytes\":5000}}}}\n");
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{").append(common)
                    .append(",\"metricset\":{\"name\":\"filesystem\",\"period\":10000},\"system\":{\"filesystem\":{")
                    .append("\"mount_point\":\"/\",\"used\":{\"pct\":0.25}}}}\n");
        }
        search.bulk(bulk.toString());
        search.refresh(index);

        Page page = logIn("vic");
        JsonNode all = HttpJson.MAPPER.readTree(page.request().get(base + "/agents/" + host + "/metrics?range=1h").text());
        assertEquals(List.of("vda"), HttpJson.MAPPER.convertValue(all.path("devices"), List.class));
        assertEquals(List.of("eth0"), HttpJson.MAPPER.convertValue(all.path("interfaces"), List.class));
        assertRates(all.path("disk_write"), 1000, 10, "disk write bytes/s");
        assertRates(all.path("disk_write_ops"), 5, 10, "disk write ops/s");
        assertRates(all.path("net_in"), 2000, 10, "host network in, from its deltas");
        assertRates(all.path("net_out"), 500, 10, "host network out, from its deltas");
        assertRates(all.path("filesystems").path("/"), 0.25, 10, "used share of /");
        JsonNode eth0 = HttpJson.MAPPER.readTree(page.request().get(base + "/agents/" + host
                + "/metrics?range=6h&interface=eth0").text());
        assertRates(eth0.path("net_in"), 3000, 2, "eth0 in, from its counter, over 6 h: the same unit");
        JsonNode quarter = HttpJson.MAPPER.readTree(page.request().get(base + "/agents/" + host
                + "/metrics?range=15m").text());
        assertEquals(10, quarter.path("interval_s").asInt(), "the sampling interval is the finest bucket");
        assertRates(quarter.path("disk_write"), 1000, 50, "disk write bytes/s over the last 15 minutes");

        search.http().put("/logcollect-status-charts", Map.of("mappings", IndexTemplates.logMapping())).expectOk();
        search.bulk("{\"index\":{\"_index\":\"logcollect-status-charts\"}}\n{\"@timestamp\":\"" + now + "\",\"host\":"
                + "{\"name\":\"" + host + "\"},\"agent\":{\"id\":\"" + host + ":8083/agent-0\",\"version\":\"0.1\"},"
                + "\"logcollect\":{\"status\":{\"policy\":\"web\",\"interval_ms\":10000,\"files\":{\"tracked\":1}}}}\n");
        search.refresh("logcollect-status-charts");
        etcdStore.apply(List.of(new Mutation.Put("/logcollect/hosts/" + host, "{\"host\":\"" + host + "\","
                + "\"first_seen\":\"" + now.minusSeconds(3600) + "\",\"last_seen\":\"" + now + "\"}")));
        page.navigate(base + "/agents/" + host + "?range=1h");
        page.waitForSelector("#charts[data-ready=true]");
        assertEquals(7, page.locator("#charts .chart").count());
        assertEquals(List.of("all disks", "vda"), page.locator("#charts select[name=device] option").allTextContents());
        page.setViewportSize(1280, 1500);
        Browser.screenshot(page, "agent-charts");
        page.context().close();
    }

    /** The buckets that have a value hold about {@code expected}; at least {@code least} of them do. */
    private static void assertRates(JsonNode values, double expected, int least, String what) {
        int counted = 0;
        for (JsonNode value : values) {
            if (value.isNumber()) {
                assertEquals(expected, value.asDouble(), expected * 0.02, what + ": " + values);
                counted++;
            }
        }
        assertTrue(counted >= least, what + ": only " + counted + " values in " + values);
    }

    @Test
    void searchHighlightsFiltersPagesPastTenThousandAndShowsEveryLineAsText() {
        Page page = logIn("vic");
        List<String> dialogs = new CopyOnWriteArrayList<>();
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
        page.navigate(base + "/search?q=evil&range=24h");
        assertEquals("4", page.textContent("#total").strip());
        List<String> messages = page.locator("#hits pre.message").allTextContents();
        assertTrue(messages.contains("<img src=x onerror=alert(1)> evil"), messages.toString());
        assertTrue(messages.contains("<script>alert(1)</script> evil"), messages.toString());
        assertTrue(messages.contains("\u241b[31mred\u241b[0m evil"), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("x".repeat(100)) && m.endsWith("more characters")),
                "the 1 MB line is not cut");
        assertEquals(0, page.locator("#hits script, #hits img").count());
        assertEquals(List.of("evil", "evil", "evil"), page.locator("#hits mark").allTextContents().subList(0, 3));
        page.waitForTimeout(500);
        assertEquals(List.of(), dialogs, "a log line ran as script");
        page.locator("#hits .doc-link").nth(1).click();
        assertTrue(page.textContent("#document-fields").contains("/var/log/evil.log"));
        page.waitForTimeout(300);
        assertEquals(List.of(), dialogs, "a log line ran as script on the document page");

        page.navigate(base + "/search?q=message:(&mode=lucene&range=24h");
        assertTrue(page.textContent("#query-error").startsWith("The search engine did not understand the query"),
                page.textContent("#query-error"));

        page.navigate(base + "/search?q=bulk&range=24h");
        // drawn as the page loads, from buckets the page carries: never an empty box beside the lines
        assertEquals("true", page.getAttribute("#histogram", "data-ready"));
        assertTrue(Integer.parseInt(page.getAttribute("#histogram", "data-buckets")) > 10);
        assertEquals(String.valueOf(BULK_LINES), page.textContent("#total").strip());
        Browser.screenshot(page, "search-bulk");
        page.locator("#fields li:has(.value:text-is('web-1')) .filter-in").click();
        page.waitForURL(url -> url.contains("f=host.name%3Aweb-1"));
        assertEquals(String.valueOf(BULK_LINES / 2), page.textContent("#total").strip());
        assertTrue(page.textContent("#filters").contains("host.name: web-1"));
        page.locator("#filters a.filter").click();
        page.waitForURL(url -> !url.contains("f="));
        page.locator("#fields li:has(.value:text-is('web-1')) .filter-out").click();
        page.waitForURL(url -> url.contains("f=-host.name%3Aweb-1"));
        assertEquals(String.valueOf(BULK_LINES / 2), page.textContent("#total").strip());
        assertTrue(page.locator("#hits .host").allTextContents().stream().allMatch("web-2"::equals));

        page.navigate(base + "/search?q=bulk&range=24h&size=500");
        int expectedLine = BULK_LINES - 1;
        int pages = 0;
        while (true) {
            for (String message : page.locator("#hits pre.message").allTextContents()) {
                assertEquals("bulk line " + expectedLine, message);
                expectedLine--;
            }
            pages++;
            if (page.locator("#older").count() == 0) {
                break;
            }
            String current = page.url();
            page.click("#older");
            page.waitForURL(url -> !url.equals(current));
        }
        assertEquals(-1, expectedLine, "paging lost or repeated lines");
        assertTrue(pages > BULK_LINES / 500, "pages: " + pages);

        page.navigate(base + "/search?q=%22bulk+line+6000%22&range=24h");
        page.click("#hits .around-link");
        // twenty lines either side of the same file on the same host: web-1's lines are every other one
        List<String> around = page.locator("#surrounding pre.message").allTextContents();
        List<String> expectedAround = new ArrayList<>();
        for (int i = 5960; i <= 6040; i += 2) {
            expectedAround.add("bulk line " + i);
        }
        assertEquals(expectedAround, around);
        assertEquals("bulk line 6000", page.textContent("#center pre.message"));

        page.navigate(base + "/search?q=livetoken&range=15m&live=1");
        // a poll that fails is shown and asked again; no line is lost meanwhile
        page.route("**/search/tail?**", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(502).setBody("bad gateway")));
        page.waitForCondition(() -> page.locator("#tail-status").textContent().contains("failed"),
                new Page.WaitForConditionOptions().setTimeout(5_000));
        assertTrue(page.textContent("#tail-status").contains("HTTP 502"), page.textContent("#tail-status"));
        Browser.screenshot(page, "search-live-retrying");
        Instant now = Instant.now();
        StringBuilder bulk = new StringBuilder();
        // lines follow the order they reached the engine: the second one is late, with a time two hours old
        for (int i = 0; i < 3; i++) {
            Instant time = i == 1 ? now.minusSeconds(7200) : now.plusMillis(i);
            bulk.append(index("live-" + i)).append(document(time, now.plusMillis(i), "web-1", "/var/log/live.log", i,
                    "livetoken " + i + " <b>bold?</b>"));
        }
        search.bulk(bulk.toString());
        search.refresh(BULK_INDEX);
        long written = System.nanoTime();
        page.unroute("**/search/tail?**");
        page.waitForCondition(() -> page.locator("#tail-lines pre.message").count() == 3,
                new Page.WaitForConditionOptions().setTimeout(10_000));
        double seconds = (System.nanoTime() - written) / 1e9;
        assertEquals(List.of("livetoken 2 <b>bold?</b>", "livetoken 1 <b>bold?</b>", "livetoken 0 <b>bold?</b>"),
                page.locator("#tail-lines pre.message").allTextContents());
        assertEquals("", page.textContent("#tail-status").strip());
        assertTrue(seconds < 6, "live tail took " + seconds + " s");
        Browser.screenshot(page, "search-live");
        page.context().close();
    }

    @Test
    void theSearchExportsFiltersByPresencePagesAndShowsTimesInTheViewersZone() throws Exception {
        String index = "console_export-2026.12.04";
        search.http().put("/" + index, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
        // a line a spreadsheet would run as a formula, with quotes, a comma and a second line
        String formula = "=HYPERLINK(\"http://evil.invalid\",\"click\"), exporttoken\nsecond line";
        Instant time = Instant.now().minusSeconds(20).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        search.bulk("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"export-1\"}}\n"
                + document(time, "web-4", "/var/log/export.log", 0, formula)
                + "{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"export-2\"}}\n"
                + "{\"@timestamp\":\"" + time + "\",\"message\":\"missingtoken without labels\"}\n");
        search.refresh(index);
        Page page = logIn("vic");
        page.navigate(base + "/search?q=exporttoken&range=24h");
        assertTrue(page.textContent("#export .hint").contains("up to 10,000 lines"), page.textContent("#export"));
        page.fill("#export-fields", "@timestamp,host.name,message,labels.app,event.ingested");
        com.microsoft.playwright.Download csv = page.waitForDownload(() -> page.click("#export-button"));
        assertTrue(csv.suggestedFilename().matches("logcollect-\\d{8}-\\d{6}\\.csv"), csv.suggestedFilename());
        List<List<String>> rows = csvRows(Files.readString(csv.path()));
        assertEquals(List.of(List.of("@timestamp", "host.name", "message", "labels.app", "event.ingested"),
                List.of(time.toString(), "web-4", "'" + formula, "bulk", time.toString())), rows);

        page.selectOption("#export-format", "ndjson");
        com.microsoft.playwright.Download ndjson = page.waitForDownload(() -> page.click("#export-button"));
        List<String> lines = Files.readAllLines(ndjson.path());
        assertEquals(1, lines.size(), lines.toString());
        JsonNode exported = HttpJson.MAPPER.readTree(lines.get(0));
        assertEquals(formula, exported.path("message").asText());
        assertEquals("web-4", exported.at("/host/name").asText());
        assertEquals(time.toString(), exported.path("event.ingested").asText());

        // every line of a search, newest first, up to the admin's limit
        page.navigate(base + "/search?q=bulk&range=24h");
        page.fill("#export-fields", "message");
        com.microsoft.playwright.Download all = page.waitForDownload(() -> page.click("#export-button"));
        List<String> exportedLines = Files.readAllLines(all.path());
        List<String> expected = new ArrayList<>(List.of("message"));
        for (int i = BULK_LINES - 1; i >= BULK_LINES - EXPORT_LIMIT; i--) {
            expected.add("bulk line " + i);
        }
        assertSameLines(expected, exportedLines);

        // lines that have a field, or lack it
        page.navigate(base + "/search?q=exporttoken+%7C+missingtoken&range=24h");
        assertEquals("2", page.textContent("#total").strip());
        page.locator("#fields h3:has-text('labels.app') .filter-missing").click();
        page.waitForURL(url -> url.contains("f=-labels.app"));
        assertEquals(List.of("missingtoken without labels"), page.locator("#hits pre.message").allTextContents());
        assertEquals("labels.app missing ✕", page.textContent("#filters a.filter").strip());
        page.navigate(base + "/search?q=exporttoken+%7C+missingtoken&range=24h&f=labels.app");
        assertEquals(List.of(formula), page.locator("#hits pre.message").allTextContents());

        // times in the browser's time zone, or the one chosen, which the browser keeps
        Page kolkata = logIn("vic", "Asia/Kolkata");
        kolkata.navigate(base + "/search?q=exporttoken&range=24h");
        java.time.format.DateTimeFormatter shown = java.time.format.DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm:ss.SSS xxx");
        assertEquals(shown.format(time.atZone(java.time.ZoneId.of("Asia/Kolkata"))),
                kolkata.textContent("#hits time").strip());
        assertEquals(time.toString(), kolkata.getAttribute("#hits time", "title"));
        kolkata.selectOption("#tz", "UTC");
        assertEquals(shown.format(time.atZone(java.time.ZoneOffset.UTC)), kolkata.textContent("#hits time").strip());
        kolkata.reload();
        assertEquals(shown.format(time.atZone(java.time.ZoneOffset.UTC)), kolkata.textContent("#hits time").strip());
        assertEquals("UTC", kolkata.inputValue("#tz"));
        kolkata.context().close();

        // fields as columns, in whole lines or one row per line (a message's first line)
        page.navigate(base + "/search?q=bulk&range=24h&size=100&cols=labels.app,log.offset&view=compact");
        assertEquals(List.of("time", "labels.app", "log.offset", "message"),
                page.locator("#hits-table th").allTextContents());
        assertEquals(100, page.locator("#hits-table tbody tr").count());
        assertEquals(List.of("bulk", String.valueOf((BULK_LINES - 1) * 100L), "bulk line " + (BULK_LINES - 1)),
                page.locator("#hits-table tbody tr").first().locator("td:not(.time)").allTextContents().stream()
                        .map(String::strip).toList());
        page.navigate(base + "/search?q=exporttoken&range=24h&view=compact");
        assertEquals(formula.substring(0, formula.indexOf('\n')),
                page.textContent("#hits-table td.message .first-line"));
        assertEquals("…", page.textContent("#hits-table td.message .muted").strip());
        Browser.screenshot(page, "search-compact");
        page.navigate(base + "/search?q=exporttoken&range=24h&cols=labels.app,host.name");
        assertEquals(List.of("labels.app=bulk", "host.name=web-4"), page.locator("#hits .col").allTextContents());
        assertEquals("labels.app,host.name", page.inputValue("#cols"));
        Browser.screenshot(page, "search-columns");

        // the page size the search bar offers
        page.navigate(base + "/search?q=bulk&range=24h");
        page.selectOption("#size", "200");
        page.click("#search");
        page.waitForURL(url -> url.contains("size=200"));
        assertEquals(200, page.locator("#hits pre.message").count());
        assertEquals("200", page.inputValue("#size"));

        // a viewer asking for a longer range than the admin allows gets its last part, and is told
        page.navigate(base + "/search?q=bulk&range=30d");
        assertEquals("The time range was narrowed to its last 7 days: the longest a search may cover here (an"
                + " admin's setting).", page.textContent("#range-narrowed").strip());
        assertEquals(Duration.ofDays(7), Duration.between(Instant.parse(page.inputValue("#from")),
                Instant.parse(page.inputValue("#to"))));
        assertEquals(String.valueOf(BULK_LINES), page.textContent("#total").strip());
        Page admin = logIn("admin");
        admin.navigate(base + "/search?q=bulk&range=30d");
        assertEquals(0, admin.locator("#range-narrowed").count());
        assertEquals(Duration.ofDays(30), Duration.between(Instant.parse(admin.inputValue("#from")),
                Instant.parse(admin.inputValue("#to"))));
        admin.context().close();

        Response refused = page.navigate(base + "/search/export?q=bulk&range=24h&fields=message,%3Cb%3E");
        assertEquals(400, refused.status());
        assertTrue(page.content().contains("'&lt;b&gt;' is not a field name"), page.content());
        Browser.screenshot(page, "search-export-refused");
        page.navigate(base + "/search?q=exporttoken&range=24h");
        Browser.screenshot(page, "search-export");
        page.context().close();
        search.deleteIndex(index);
    }

    @Test
    void searchesAreSavedForOneselfOrSharedAndDeletedByTheirOwner() {
        Page vic = logIn("vic");
        vic.navigate(base + "/search?q=bulk&range=1h&f=host.name%3Aweb-1");
        vic.click("#saved summary");
        vic.fill("#saved-name", "web-1 bulk <i>lines</i>");
        vic.click("#save-button");
        vic.waitForURL(url -> url.contains("f=host.name%3Aweb-1"));
        assertTrue(vic.textContent("#notice").contains("Saved the search 'web-1 bulk <i>lines</i>'"),
                vic.textContent("#notice"));
        Page ann = logIn("ann");
        ann.navigate(base + "/search?q=evil&range=24h");
        assertEquals(List.of(), ann.locator("#saved-list a.saved-search").allTextContents(), "vic's own search");
        ann.click("#saved summary");
        ann.fill("#saved-name", "evil lines");
        ann.check("#saved-shared");
        ann.click("#save-button");
        ann.waitForURL(url -> url.contains("q=evil"));

        vic.navigate(base + "/search");
        assertEquals(List.of("evil lines", "web-1 bulk <i>lines</i>"),
                vic.locator("#saved-list a.saved-search").allTextContents());
        assertEquals(0, vic.locator("#saved-list li:has-text('evil lines') .delete-saved").count(),
                "a shared search is its owner's to delete");
        vic.click("#saved summary");
        Browser.screenshot(vic, "search-saved");
        vic.click("#saved-list a.saved-search:text-is('web-1 bulk <i>lines</i>')");
        vic.waitForURL(url -> url.contains("range=1h") && url.contains("f=host.name%3Aweb-1") && url.contains("q=bulk"));
        assertEquals("q=bulk&range=1h&f=host.name%3Aweb-1", vic.url().substring(vic.url().indexOf('?') + 1));
        vic.click("#saved summary");
        vic.click("#saved-list li:has-text('web-1 bulk') .delete-saved");
        vic.waitForURL(url -> url.contains("/search?"));
        assertEquals(List.of("evil lines"), vic.locator("#saved-list a.saved-search").allTextContents());
        String sharedId = etcdStore.readPrefix(SavedSearches.PREFIX + "shared/").values().keySet().iterator().next()
                .substring((SavedSearches.PREFIX + "shared/").length());
        com.microsoft.playwright.APIResponse refused = vic.request().post(base + "/search/saved/" + sharedId + "/delete",
                com.microsoft.playwright.options.RequestOptions.create().setForm(
                        com.microsoft.playwright.options.FormData.create().set("_csrf",
                                vic.inputValue("#save-search input[name=_csrf]"))));
        assertEquals(403, refused.status());
        assertTrue(refused.text().contains("only its owner or an admin may delete the shared search"),
                refused.text());
        ann.navigate(base + "/search");
        ann.click("#saved summary");
        ann.click("#saved-list li:has-text('evil lines') .delete-saved");
        ann.waitForURL(url -> url.contains("q=evil"));
        assertEquals(List.of(), ann.locator("#saved-list a.saved-search").allTextContents());
        vic.context().close();
        ann.context().close();
    }

    /** Every line equal and in order; a failure names the first difference, not ten thousand lines. */
    private static void assertSameLines(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "line " + i);
        }
        assertEquals(expected.size(), actual.size(), "lines");
    }

    /** Rows of a CSV text, as a spreadsheet reads them. */
    private static List<List<String>> csvRows(String text) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (com.fasterxml.jackson.databind.MappingIterator<List<String>> it = new com.fasterxml.jackson.dataformat
                .csv.CsvMapper().enable(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY)
                .readerFor(List.class).readValues(text)) {
            while (it.hasNext()) {
                rows.add(it.next());
            }
        }
        return rows;
    }

    @Test
    void thePipelineShowsConnectorsTasksLagAndTheDeadLettersErrors() {
        central.putConnector("console-pipeline-sink", Map.of("connector.class",
                "io.logcollect.es.ElasticsearchSinkConnector", "tasks.max", "1", "topics", "console_pipeline",
                "connection.url", search.url(), "status.interval.ms", "1000", "index.retention.days.console_pipeline",
                "14"));
        central.awaitRunning("console-pipeline-sink", 1, Duration.ofMinutes(1));
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("console_pipeline", "{\"message\":\"pipeline " + i + "\"}"));
            }
            ProducerRecord<String, String> record = new ProducerRecord<>("console-dlq", "key", "a log line");
            record.headers().add("__connect.errors.topic", "console_pipeline".getBytes(StandardCharsets.UTF_8));
            record.headers().add("__connect.errors.exception.message",
                    "mapper_parsing_exception: failed to parse field [status]".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Page page = logIn("ann");
        page.navigate(base + "/pipeline");
        Locator row = page.locator("#connectors tr[data-connector='console-pipeline-sink']");
        assertEquals("RUNNING", row.locator(".task-state").first().textContent());
        assertEquals(0, row.locator("button.restart").count());
        assertEquals("1 records", page.textContent("#dlq-size").strip());
        assertTrue(page.textContent("#dlq").contains("mapper_parsing_exception: failed to parse field [status]"));
        assertFalse(page.textContent("#dlq").contains("a log line"), "the dead letter's value is shown");
        Locator ledger = page.locator("#ledgers tr[data-task$='/console-pipeline-sink-0'] td");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ledger.count() == 0 || !ledger.nth(3).textContent().equals("3")) {
            assertTrue(System.nanoTime() < deadline, "the sink task's ledger never showed its 3 records: "
                    + page.textContent("#ledgers"));
            page.waitForTimeout(1000);
            page.reload();
        }
        assertEquals(List.of("3", "3", "0", "0", "0", "0", "console_pipeline-0@3"),
                ledger.allTextContents().subList(2, 9), "received, acknowledged, dead-lettered, dropped, let go, open,"
                        + " committable");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        List<String> family = List.of("console_pipeline", "1", "3", today, today, "14 days");
        awaitShowing(page, Duration.ofSeconds(30), () -> {
            page.reload();
            return family.equals(page.locator("#indices tr[data-family='console_pipeline'] td").allTextContents()
                    .stream().filter(cell -> !cell.endsWith(" MB")).toList());
        }, "the index family console_pipeline: 1 index, 3 documents, today, 14 days", "#indices");
        Browser.screenshot(page, "pipeline");
        page.context().close();
        central.deleteConnector("console-pipeline-sink");
    }

    @Test
    void anEditorSeesAFailedTasksTraceAndRestartsIt() throws IOException {
        Path missing = Workspace.newDirectory("console-restart").resolve("not-yet");
        central.putConnector("console-failing", Map.of("connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max", "1", "topics", "console_failing",
                "file", missing.resolve("out.txt").toString()));
        Page viewer = logIn("vic");
        Page editor = logIn("ann");
        Locator task = editor.locator("#connectors tr[data-connector='console-failing'] .task");
        await(Duration.ofSeconds(60), () -> {
            editor.navigate(base + "/pipeline");
            return task.count() == 1 && task.locator(".task-state").textContent().equals("FAILED");
        }, "the task never failed");
        assertTrue(task.locator(".trace").textContent().contains(missing.toString()),
                task.locator(".trace").textContent());
        viewer.navigate(base + "/pipeline");
        assertEquals(0, viewer.locator("#connectors tr[data-connector='console-failing'] button.restart").count());

        Files.createDirectories(missing);
        task.locator("button.restart").click();
        assertEquals("Asked Connect to restart task 0 of console-failing", editor.textContent("#notice").strip());
        await(Duration.ofSeconds(30), () -> {
            editor.navigate(base + "/pipeline");
            return task.locator(".task-state").textContent().equals("RUNNING");
        }, "the restarted task did not run");
        viewer.context().close();
        editor.context().close();
        central.deleteConnector("console-failing");
    }

    @Test
    void withAKeystoreTheConsoleServesHttpsOnlyWithSecureCookiesAndHsts() throws Exception {
        TestCertificates certificates = TestCertificates.create();
        Path users = Workspace.newDirectory("console-https").resolve("users");
        Files.writeString(users, "ann:editor:" + hash() + "\n");
        ConsoleServer https = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users,
                Optional.of(certificates.serverKeystoreFile()), TestCertificates.STORE_PASSWORD.toCharArray(),
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())), PREFIX, List.of(),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                        null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*", Optional.empty(),
                Optional.empty(), "console-sink", "console-dlq", AlertSettings.defaults(), null, false));
        try {
            assertTrue(https.url().startsWith("https://127.0.0.1:"), https.url());
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(certificates.sslContext(false)).build();
            java.net.http.HttpResponse<String> login = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(https.url() + "/login")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());
            assertTrue(login.headers().firstValue("strict-transport-security").isPresent());
            String cookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertTrue(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
                    cookie);
            String plain = "http://127.0.0.1:" + https.port() + "/login";
            try {
                int status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(plain)).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode();
                assertTrue(status >= 400, "plain HTTP was answered with " + status);
            } catch (java.io.IOException refused) {
                // the TLS connector closed the plain connection: as good as a refusal
            }
        } finally {
            https.stop();
        }
    }

    private static ConnectWorker agent(Path logs) {
        ConnectWorker.Builder builder = ConnectWorker.agent(kafka, etcd.endpoint());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "1");
        config.put("collect.policy", "shop");
        config.put("collect.entries", "${etcd:" + PREFIX + "/shop:entries}");
        config.put("allowed.paths", logs.toString());
        config.put("scan.interval.ms", "250");
        config.put("status.interval.ms", "2000");
        config.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        return builder.connector("agent-shop", config).start();
    }

    /** 12,000 lines a second apart ending a minute ago, on two hosts, and four lines an attacker wrote. */
    private static void loadBulkLines() {
        search.http().put("/" + BULK_INDEX, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
        bulkNewest = Instant.now().minusSeconds(60);
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < BULK_LINES; i++) {
            bulk.append(index("bulk-" + i)).append(document(bulkNewest.minusSeconds(BULK_LINES - 1 - i),
                    i % 2 == 0 ? "web-1" : "web-2", "/var/log/bulk.log", i * 100L, "bulk line " + i));
            if (bulk.length() > 2_000_000) {
                search.bulk(bulk.toString());
                bulk.setLength(0);
            }
        }
        Instant evil = bulkNewest.minusSeconds(30);
        bulk.append(index("evil-1")).append(document(evil, "web-3", "/var/log/evil.log", 0,
                "<script>alert(1)</script> evil"));
        bulk.append(index("evil-2")).append(document(evil.plusMillis(1), "web-3", "/var/log/evil.log", 100,
                "<img src=x onerror=alert(1)> evil"));
        bulk.append(index("evil-3")).append(document(evil.plusMillis(2), "web-3", "/var/log/evil.log", 200,
                "\u001b[31mred\u001b[0m evil"));
        bulk.append(index("evil-4")).append(document(evil.plusMillis(3), "web-3", "/var/log/evil.log", 300,
                "x".repeat(1_000_000) + " evil"));
        search.bulk(bulk.toString());
        search.refresh(BULK_INDEX);
        assertEquals(BULK_LINES + 4, search.count(BULK_INDEX));
    }

    private static String index(String id) {
        return "{\"index\":{\"_index\":\"" + BULK_INDEX + "\",\"_id\":\"" + id + "\"}}\n";
    }

    private static String document(Instant time, String host, String path, long offset, String message) {
        return document(time, time, host, path, offset, message);
    }

    /** A line as the sink indexes it; {@code ingested} is when the sink sent it. */
    private static String document(Instant time, Instant ingested, String host, String path, long offset,
                                   String message) {
        ObjectNode doc = HttpJson.MAPPER.createObjectNode();
        doc.put("@timestamp", time.toString());
        doc.put("message", message);
        doc.putObject("host").put("name", host);
        ObjectNode log = doc.putObject("log");
        log.putObject("file").put("path", path);
        log.put("offset", offset);
        doc.putObject("event").put("id", host + "-" + offset + "-" + message.hashCode());
        doc.putObject("labels").put("app", "bulk");
        doc.put("event.ingested", ingested.toString());
        return doc + "\n";
    }

    private static long saved(SaveOutcome outcome) {
        if (outcome instanceof SaveOutcome.Saved saved) {
            return saved.revision();
        }
        throw new AssertionError(outcome.toString());
    }

    /**
     * The first webhook body telling {@code status} ({@code firing}, {@code resolved}) of {@code rule} for the subject
     * (a subject ending in a space: any subject it begins, such as any worker of a host).
     */
    private static JsonNode awaitWebhook(String rule, String status, String subject) {
        JsonNode[] found = new JsonNode[1];
        await(Duration.ofSeconds(60), () -> {
            for (JsonNode body : webhookBodies) {
                for (JsonNode alert : body.path(status)) {
                    String told = alert.path("subject").asText();
                    if (body.path("rule").asText().equals(rule)
                            && (told.equals(subject) || subject.endsWith(" ") && told.startsWith(subject))) {
                        found[0] = body;
                        return true;
                    }
                }
            }
            return false;
        }, "no webhook told " + status + " " + rule + " for " + subject + " within 60 s; it received " + webhookBodies);
        return found[0];
    }

    /** {@code GET /metrics} as Prometheus does it, with a bearer token; its body. */
    private static String scrape(String token, int expectedStatus) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                        .header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), response.body());
        return response.body();
    }

    /** {@link #await}, failing with what the page's {@code selector} showed last. */
    private static void awaitShowing(Page page, Duration timeout, BooleanSupplier condition, String failure,
                                     String selector) {
        try {
            await(timeout, condition, failure);
        } catch (AssertionError e) {
            throw new AssertionError(failure + "; the page showed: " + page.textContent(selector), e);
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
