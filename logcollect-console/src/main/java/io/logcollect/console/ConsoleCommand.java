package io.logcollect.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.logcollect.console.alerts.AlertRule;
import io.logcollect.console.alerts.AlertSettings;
import io.logcollect.console.auth.UserDirectory;
import io.logcollect.console.search.SearchLimits;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.search.client.ConnectionSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code logcollect-console}: starts the web console. Every option is also read from the environment
 * ({@code LOGCOLLECT_} and the option's name in capitals with dots as underscores, e.g.
 * {@code LOGCOLLECT_ETCD_ENDPOINTS}) and from the {@code --config} properties file (keys as the options' names);
 * a flag wins over the environment, which wins over the file. Passwords are never options, where {@code ps} would
 * show them: environment or file only.
 */
@Command(name = "logcollect-console", mixinStandardHelpOptions = true, versionProvider = ConsoleCommand.Version.class,
        subcommands = ConsoleCommand.HashPassword.class, sortOptions = false,
        description = "The logcollect web console: policies, agents, search, pipeline.")
public final class ConsoleCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "<properties>",
            description = "Properties file with any of the options below (and the passwords).")
    Path config;

    @Option(names = "--console.listen.host", defaultValue = "127.0.0.1", description = "Address to listen on.")
    String listenHost;

    @Option(names = "--console.listen.port", defaultValue = "8470", description = "Port to listen on.")
    int listenPort;

    @Option(names = "--console.users.file", paramLabel = "<file>",
            description = "Users, one per line: name:role:bcrypt-hash (role viewer, editor or admin). "
                    + "Make a hash with: logcollect-console hash-password")
    Path usersFile;

    @Option(names = "--console.tls.keystore.location", paramLabel = "<file>",
            description = "PKCS12 keystore with the console's certificate and key: serve HTTPS only.")
    Path tlsKeystore;

    @Option(names = "--console.tls.proxy", defaultValue = "false",
            description = "Browsers reach the console through a proxy that ends TLS: cookies Secure, HSTS sent.")
    boolean tlsProxy;

    @Option(names = "--etcd.endpoints", defaultValue = "http://127.0.0.1:2379",
            description = "etcd client URLs, comma-separated (as the provider's endpoints).")
    String etcdEndpoints;

    @Option(names = "--etcd.username", description = "etcd user (password: etcd.password).")
    String etcdUsername;

    @Option(names = "--etcd.tls.ca.file", description = "CA certificate (PEM) that signed etcd's.")
    String etcdCaFile;

    @Option(names = "--etcd.tls.cert.file", description = "Client certificate (PEM) for etcd's mutual TLS.")
    String etcdCertFile;

    @Option(names = "--etcd.tls.key.file", description = "Client key (PEM, PKCS#8) for etcd's mutual TLS.")
    String etcdKeyFile;

    @Option(names = "--policy.prefix", defaultValue = PolicyStore.DEFAULT_PREFIX,
            description = "Where the policies are in etcd.")
    String policyPrefix;

    @Option(names = "--policy.allowed.paths", split = ",", paramLabel = "<dir>",
            description = "Directories entries may name, checked when a policy is saved (the agents check their "
                    + "own allowed.paths in any case). Default: any.")
    List<String> allowedPaths = List.of();

    @Option(names = "--connection.url", defaultValue = "http://127.0.0.1:9200",
            description = "Search engine URLs, comma-separated (as the sink's).")
    String connectionUrl;

    @Option(names = "--connection.username", description = "Search engine user (password: connection.password).")
    String connectionUsername;

    @Option(names = "--connection.ssl.truststore.location", description = "Truststore for the engine's certificate.")
    String truststore;

    @Option(names = "--connection.ssl.truststore.type", defaultValue = "PKCS12", description = "Truststore type.")
    String truststoreType;

    @Option(names = "--search.index", defaultValue = "*,-logcollect-*,-.*",
            description = "The log indices the search page reads.")
    String searchIndex;

    @Option(names = "--search.export.max.lines", defaultValue = "1000000",
            description = "Lines one export of a search (CSV or NDJSON) may write; the rest are left out.")
    long exportMaxLines;

    @Option(names = "--search.max.range", defaultValue = "31d",
            description = "The longest time range a viewer or editor may search (admins any), e.g. 7d or 12h: a "
                    + "longer one is narrowed to its last part, and the page says so.")
    String maxRange;

    @Option(names = "--status.index", defaultValue = "logcollect-status-*", description = "The agents' status records.")
    String statusIndex;

    @Option(names = "--metrics.index", defaultValue = "logcollect-metrics-*", description = "The host metrics.")
    String metricsIndex;

    @Option(names = "--connect.rest.url", description = "The central Connect cluster's REST API (pipeline page).")
    URI connectUrl;

    @Option(names = "--connect.rest.username", description = "Basic auth user for Connect's REST API "
            + "(password: connect.rest.password).")
    String connectUsername;

    @Option(names = "--kafka.bootstrap.servers", description = "Kafka brokers, for the sink's lag and the DLQ.")
    String kafka;

    @Option(names = "--sink.connector", defaultValue = "logcollect-sink",
            description = "The sink connector's name: its consumer group is connect-<name>.")
    String sinkConnector;

    @Option(names = "--dlq.topic", defaultValue = "logcollect-dlq", description = "The sink's dead-letter queue topic.")
    String deadLetterTopic;

    @Option(names = "--alerts.webhook.url", paramLabel = "<url>",
            description = "Receives a JSON POST per alert notification (firing and resolved, grouped per rule).")
    URI alertsWebhook;

    @Option(names = "--alerts.webhook.format", defaultValue = "json",
            description = "json (logcollect's shape) or slack (a Slack incoming webhook's {\"text\": ...}).")
    String alertsWebhookFormat;

    @Option(names = "--alerts.smtp.host", description = "SMTP server for alert mail (password: alerts.smtp.password).")
    String smtpHost;

    @Option(names = "--alerts.smtp.port", defaultValue = "587", description = "SMTP port.")
    int smtpPort;

    @Option(names = "--alerts.smtp.starttls", defaultValue = "true", description = "Require STARTTLS.")
    boolean smtpStartTls;

    @Option(names = "--alerts.smtp.username", description = "SMTP user, if the server wants one.")
    String smtpUsername;

    @Option(names = "--alerts.mail.from", defaultValue = "logcollect@localhost", description = "Sender of alert mail.")
    String mailFrom;

    @Option(names = "--alerts.mail.to", split = ",", paramLabel = "<address>", description = "Recipients of alert mail.")
    List<String> mailTo = List.of();

    @Option(names = "--alerts.repeat.interval", defaultValue = "4h",
            description = "How long until a firing alert is told again (30s, 90m, 4h).")
    String repeatInterval;

    @Option(names = "--alerts.evaluate.interval", defaultValue = "10s", description = "How often the rules run.")
    String evaluateInterval;

    @Option(names = "--alerts.rule", split = ",", paramLabel = "<rule>.for=<duration>|<rule>.threshold=<n>",
            description = "A rule's settings, e.g. agent_offline.for=2m,falling_behind.threshold=5000000000.")
    List<String> ruleSettings = List.of();

    @Option(names = "--console.url", description = "The console's address as its users reach it, for links in "
            + "notifications.")
    String consoleUrl;

    private Map<String, String> secrets = Map.of();

    public static void main(String[] args) {
        System.exit(commandLine(args, System.getenv()).execute(args));
    }

    /** The command line with its defaults from the environment and the {@code --config} file among args. */
    static CommandLine commandLine(String[] args, Map<String, String> environment) {
        Map<String, String> file = configFile(args);
        ConsoleCommand command = new ConsoleCommand();
        Map<String, String> secrets = new HashMap<>();
        for (String key : List.of("etcd.password", "connection.password", "connection.ssl.truststore.password", "connect.rest.password",
                "console.tls.keystore.password", "alerts.smtp.password", "metrics.token")) {
            String value = environment.getOrDefault(environmentName(key), file.get(key));
            if (value != null) {
                secrets.put(key, value);
            }
        }
        command.secrets = secrets;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(option -> {
            if (!(option instanceof CommandLine.Model.OptionSpec spec)) {
                return null;
            }
            String key = spec.longestName().substring(2);
            String value = environment.getOrDefault(environmentName(key), file.get(key));
            return value != null ? value : spec.defaultValue();
        });
        return commandLine;
    }

    static String environmentName(String key) {
        return "LOGCOLLECT_" + key.toUpperCase().replace('.', '_');
    }

    private static Map<String, String> configFile(String[] args) {
        Optional<String> path = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = Optional.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                path = Optional.of(args[i].substring("--config=".length()));
            }
        }
        if (path.isEmpty()) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(path.get()), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + path.get() + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        return values;
    }

    ConsoleSettings settings() {
        Map<String, String> etcd = new HashMap<>();
        etcd.put("endpoints", etcdEndpoints);
        putIfSet(etcd, "username", etcdUsername);
        putIfSet(etcd, "password", secrets.get("etcd.password"));
        putIfSet(etcd, "tls.ca.file", etcdCaFile);
        putIfSet(etcd, "tls.cert.file", etcdCertFile);
        putIfSet(etcd, "tls.key.file", etcdKeyFile);
        ConnectionSettings search = new ConnectionSettings(
                Arrays.stream(connectionUrl.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(), null,
                connectionUsername, chars(secrets.get("connection.password")), null, false, 5_000, 30_000, 8,
                truststore, chars(secrets.get("connection.ssl.truststore.password")), truststoreType, null, null,
                null, null, true);
        Optional<ConsoleSettings.ConnectCluster> connect = Optional.ofNullable(connectUrl)
                .map(url -> new ConsoleSettings.ConnectCluster(url, connectUsername,
                        chars(secrets.get("connect.rest.password"))));
        return new ConsoleSettings(listenHost, listenPort, usersFile, Optional.ofNullable(tlsKeystore),
                chars(secrets.get("console.tls.keystore.password")), EtcdSettings.fromParameters(etcd), policyPrefix,
                allowedPaths, search, searchIndex, statusIndex, metricsIndex, connect,
                Optional.ofNullable(kafka).filter(s -> !s.isBlank()), sinkConnector, deadLetterTopic, alerts(),
                chars(secrets.get("metrics.token")), tlsProxy,
                new SearchLimits(exportMaxLines, SearchLimits.range(maxRange)));
    }

    private AlertSettings alerts() {
        if (!List.of("json", "slack").contains(alertsWebhookFormat)) {
            throw new IllegalArgumentException("alerts.webhook.format must be json or slack, not '"
                    + alertsWebhookFormat + "'");
        }
        Optional<AlertSettings.Mail> mail = Optional.empty();
        if (smtpHost != null && !smtpHost.isBlank()) {
            if (mailTo.isEmpty()) {
                throw new IllegalArgumentException("alerts.smtp.host is set but alerts.mail.to names nobody");
            }
            mail = Optional.of(new AlertSettings.Mail(smtpHost, smtpPort, smtpStartTls, smtpUsername,
                    chars(secrets.get("alerts.smtp.password")), mailFrom, mailTo));
        }
        Map<AlertRule, Duration> holdFor = new EnumMap<>(AlertRule.class);
        Map<AlertRule, Long> thresholds = new EnumMap<>(AlertRule.class);
        ruleSettings.forEach(setting -> AlertSettings.parseRuleSetting(setting, holdFor, thresholds));
        return new AlertSettings(Optional.ofNullable(alertsWebhook), alertsWebhookFormat.equals("slack"), mail,
                AlertSettings.duration(repeatInterval), AlertSettings.duration(evaluateInterval), holdFor, thresholds,
                Optional.ofNullable(consoleUrl).filter(u -> !u.isBlank()));
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private static char[] chars(String value) {
        return value == null ? null : value.toCharArray();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (usersFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "console.users.file is needed (flag, LOGCOLLECT_CONSOLE_USERS_FILE or --config)");
        }
        ConsoleServer server = ConsoleServer.start(settings());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "console-shutdown"));
        System.out.println("logcollect console listening on " + server.url());
        Thread.currentThread().join();
        return 0;
    }

    /** Prints the bcrypt hash of a password read from standard input, for the users file. */
    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = "Read a password from standard input and print its bcrypt hash for the users file.")
    static final class HashPassword implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String password = in.readLine();
            if (password == null || password.isEmpty()) {
                System.err.println("no password on standard input");
                return 1;
            }
            System.out.println(BCrypt.withDefaults().hashToString(UserDirectory.BCRYPT_COST, password.toCharArray()));
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ConsoleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"logcollect-console " + (version == null ? "(development)" : version)};
        }
    }
}
