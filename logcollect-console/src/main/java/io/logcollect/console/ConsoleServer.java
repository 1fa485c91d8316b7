package io.logcollect.console;

import io.logcollect.console.web.Guard;
import io.logcollect.console.web.LoginPages;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Templates;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.RedirectResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.plugin.bundled.GlobalHeadersConfig;
import io.logcollect.console.agents.AgentDirectory;
import io.logcollect.console.alerts.AlertMonitor;
import io.logcollect.console.alerts.AlertPages;
import io.logcollect.console.alerts.AlertStore;
import io.logcollect.console.prometheus.FleetMetrics;
import io.logcollect.console.agents.KnownHosts;
import io.logcollect.console.agents.AgentPages;
import io.logcollect.console.auth.LoginThrottle;
import io.logcollect.console.auth.UserDirectory;
import io.logcollect.console.pipeline.ConnectCluster;
import io.logcollect.console.pipeline.IndexFamilies;
import io.logcollect.console.pipeline.PipelinePages;
import io.logcollect.console.pipeline.SinkLedgers;
import io.logcollect.console.pipeline.SinkBacklog;
import io.logcollect.console.search.LogSearch;
import io.logcollect.console.search.SavedSearches;
import io.logcollect.console.search.SearchPages;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.console.policies.PolicyPages;
import io.logcollect.policy.AllowedPaths;
import io.logcollect.search.client.SearchClients;
import io.logcollect.search.client.SearchEngineException;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The console's web server: Javalin on Jetty 12, its security settings and its routes. */
public final class ConsoleServer {

    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    private static final java.security.SecureRandom REFERENCES = new java.security.SecureRandom();
    /** No inline script or style anywhere: a log line that slipped through as markup still could not run. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final Javalin app;
    private final ConsoleSettings settings;
    private final EtcdStore etcd;
    private final RestClient search;
    private final Optional<SinkBacklog> backlog;
    private final AlertMonitor alerts;

    private ConsoleServer(Javalin app, ConsoleSettings settings, EtcdStore etcd, RestClient search,
                          Optional<SinkBacklog> backlog, AlertMonitor alerts) {
        this.app = app;
        this.settings = settings;
        this.etcd = etcd;
        this.search = search;
        this.backlog = backlog;
        this.alerts = alerts;
    }

    public static ConsoleServer start(ConsoleSettings settings) {
        UserDirectory users = new UserDirectory(settings.usersFile());
        EtcdStore etcd = new EtcdStore(settings.etcd());
        RestClient search = SearchClients.create(settings.search());
        PolicyStore policies = new PolicyStore(etcd, settings.policyPrefix(),
                settings.allowedPaths().isEmpty() ? null : AllowedPaths.of(settings.allowedPaths()));
        Templates templates = new Templates();
        LogSearch logSearch = new LogSearch(search, settings.searchIndex());
        AgentDirectory agents = new AgentDirectory(policies, new KnownHosts(etcd), search, settings.statusIndex(),
                settings.metricsIndex());
        Optional<SinkBacklog> backlog = settings.kafka().map(servers -> new SinkBacklog(servers,
                settings.sinkConnector(), settings.deadLetterTopic()));
        Optional<ConnectCluster> connect = settings.connect().map(ConnectCluster::new);

        AlertStore alertStore = new AlertStore(etcd);
        AlertMonitor alerts = new AlertMonitor(agents, backlog, alertStore, settings.alerts(), Clock.systemUTC());
        AlertPages alertPages = new AlertPages(alertStore, settings.alerts(), templates);

        FleetMetrics fleetMetrics = new FleetMetrics(agents, alertStore);
        Guard guard = new Guard(users, settings.metricsToken());
        LoginPages login = new LoginPages(users, new LoginThrottle(Duration.ofMinutes(5), Clock.systemUTC()),
                templates, settings.secureCookies());
        PolicyPages policyPages = new PolicyPages(policies, templates);
        AgentPages agentPages = new AgentPages(agents, templates);
        SearchPages searchPages = new SearchPages(logSearch, templates, settings.searchLimits(),
                new SavedSearches(etcd));
        PipelinePages pipelinePages = new PipelinePages(connect, backlog,
                new SinkLedgers(search, settings.statusIndex()), new IndexFamilies(search, settings.searchIndex() + ","
                + settings.statusIndex() + "," + settings.metricsIndex()), templates);

        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = settings.listenHost();
            config.jetty.port = settings.listenPort();
            config.jetty.modifyServletContextHandler(handler -> {
                SessionHandler sessions = new SessionHandler();
                sessions.setHttpOnly(true);
                sessions.setSameSite(HttpCookie.SameSite.STRICT);
                sessions.setSecureCookies(settings.secureCookies());
                sessions.setMaxInactiveInterval((int) Duration.ofHours(8).toSeconds());
                sessions.setSessionCookie("LOGCOLLECT_SESSION");
                handler.setSessionHandler(sessions);
            });
            settings.tlsKeystore().ifPresent(keystore -> {
                config.jetty.port = -1;
                config.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(keystore.toString());
                    tls.setKeyStoreType("PKCS12");
                    if (settings.tlsKeystorePassword() != null) {
                        tls.setKeyStorePassword(new String(settings.tlsKeystorePassword()));
                    }
                    http.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
                    connector.setHost(settings.listenHost());
                    connector.setPort(settings.listenPort());
                    return connector;
                });
            });
            config.bundledPlugins.enableGlobalHeaders(headers -> {
                headers.contentSecurityPolicy(CONTENT_SECURITY_POLICY);
                headers.xContentTypeOptionsNoSniff();
                headers.xFrameOptions(GlobalHeadersConfig.XFrameOptions.DENY);
                headers.referrerPolicy(GlobalHeadersConfig.ReferrerPolicy.SAME_ORIGIN);
                if (settings.secureCookies()) {
                    headers.strictTransportSecurity(Duration.ofDays(180), false);
                }
            });
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });

            config.routes.before(guard::before);
            config.routes.get("/", ctx -> ctx.redirect("/policies"));
            config.routes.get("/login", login::form);
            config.routes.post("/login", login::logIn);
            config.routes.post("/logout", login::logOut);

            config.routes.get("/policies", policyPages::list);
            config.routes.post("/policies", policyPages::create);
            config.routes.get("/policies/{policy}", policyPages::view);
            config.routes.post("/policies/{policy}", policyPages::saveDocument);
            config.routes.post("/policies/{policy}/delete", policyPages::delete);
            config.routes.get("/policies/{policy}/entries/{entry}", policyPages::entryForm);
            config.routes.post("/policies/{policy}/entries/{entry}", policyPages::saveEntry);
            config.routes.get("/policies/{policy}/history", policyPages::history);
            config.routes.get("/policies/{policy}/diff", policyPages::diff);
            config.routes.post("/policies/{policy}/rollback", policyPages::rollback);

            config.routes.get("/agents", agentPages::list);
            config.routes.get("/agents/{host}", agentPages::detail);
            config.routes.get("/agents/{host}/metrics", agentPages::metrics);
            config.routes.post("/agents/{host}/forget", agentPages::forget);

            config.routes.get("/search", searchPages::page);
            config.routes.get("/search/histogram", searchPages::histogram);
            config.routes.get("/search/document", searchPages::document);
            config.routes.get("/search/surrounding", searchPages::surrounding);
            config.routes.get("/search/tail", searchPages::tail);
            config.routes.get("/search/export", searchPages::export);
            config.routes.post("/search/saved", searchPages::save);
            config.routes.post("/search/saved/{id}/delete", searchPages::deleteSaved);

            config.routes.get("/pipeline", pipelinePages::page);
            config.routes.post("/pipeline/restart", pipelinePages::restartTask);

            config.routes.get("/alerts", alertPages::page);
            config.routes.get("/metrics", fleetMetrics::scrape);
            config.routes.post("/alerts/silences", alertPages::silence);
            config.routes.post("/alerts/silences/{id}/expire", alertPages::expire);

            // a redirect from a before-handler is thrown; its status and Location are already set
            config.routes.exception(RedirectResponse.class, (e, ctx) -> { });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> errorPage(templates, ctx,
                    e.getStatus(), e.getMessage()));
            config.routes.exception(EtcdAccessException.class, (e, ctx) -> serviceError(templates, ctx,
                    HttpStatus.SERVICE_UNAVAILABLE.getCode(), "etcd", e));
            config.routes.exception(SearchEngineException.class, (e, ctx) -> serviceError(templates, ctx,
                    HttpStatus.BAD_GATEWAY.getCode(), "the search engine", e));
            config.routes.exception(IOException.class, (e, ctx) -> serviceError(templates, ctx,
                    HttpStatus.BAD_GATEWAY.getCode(), "a service the console uses", e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                errorPage(templates, ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(),
                        "the console failed on this request; its log says why");
            });
        });
        app.start();
        alerts.start();
        ConsoleServer server = new ConsoleServer(app, settings, etcd, search, backlog, alerts);
        log.info("logcollect console listening on {} ({})", server.url(), settings);
        return server;
    }

    /**
     * A service refused or did not answer. Its message can name internal addresses, URIs, response bodies or user
     * names: it goes to the console's log under a reference, the page names only the service and the reference.
     */
    private static void serviceError(Templates templates, io.javalin.http.Context ctx, int status, String service,
                                     Exception e) {
        String reference = Long.toString(Math.abs(REFERENCES.nextLong()) % 1_000_000_000L, 36);
        log.warn("{} {} failed, reference {}: {} did not answer or refused: {}", ctx.method(), ctx.path(),
                reference, service, e.toString());
        errorPage(templates, ctx, status, service + " did not answer or refused the request (reference " + reference
                + "; the console's log has the details)");
    }

    private static void errorPage(Templates templates, io.javalin.http.Context ctx, int status, String message) {
        ctx.status(status);
        Map<String, Object> model = new HashMap<>();
        model.put("page", new Page("Error " + status, "", Guard.viewerIfAny(ctx).orElse(null), Optional.empty()));
        model.put("status", status);
        model.put("message", message == null ? "" : message);
        templates.render(ctx, "error.jte", model);
    }

    public String url() {
        return (settings.https() ? "https" : "http") + "://" + settings.listenHost() + ":" + app.port();
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        alerts.close();
        app.stop();
        backlog.ifPresent(SinkBacklog::close);
        try {
            search.close();
        } catch (IOException e) {
            log.debug("closing the search client", e);
        }
        etcd.close();
    }
}
