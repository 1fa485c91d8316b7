package io.logcollect.etcd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Snapshot;
import io.logcollect.etcd.client.Versioned;
import io.logcollect.etcd.client.WriteResult;
import io.logcollect.etcd.registry.AgentRegistry;
import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.EntryError;
import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Command-line tool for operators: lists, reads, validates and writes collection policies in etcd
 * ({@code /logcollect/policies/<policy>/entries}). Every write is a transaction that compares the key's
 * {@code mod_revision}, so two people editing the same policy cannot overwrite each other. Run {@code --help}.
 */
public final class PolicyTool {

    static final String DEFAULT_PREFIX = "/logcollect/policies";
    static final String ENTRIES = "entries";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int READ_MODIFY_WRITE_ATTEMPTS = 5;

    static final String HELP = String.join("\n",
            "Usage: logcollect-policy [options] <command> [arguments]",
            "",
            "Commands:",
            "  list                              every policy with its mod_revision and entry count",
            "  get <policy>                      the policy's entries (JSON) on stdout, its mod_revision on stderr",
            "  validate <file>                   check a policy file; prints every entry error",
            "  put <policy> <file>               validate the file, then write it: a new policy, or with",
            "                                    --expect-revision N (the mod_revision get printed) a policy whose",
            "                                    mod_revision is still N. Refused when someone changed it since",
            "  add-entry <policy> <entry-file>   add one entry (a JSON object); --replace replaces the entry with",
            "                                    the same id",
            "  remove-entry <policy> <id>        remove the entry with this id",
            "  delete <policy>                   delete the policy; needs --expect-revision",
            "  agents                            the workers online (registered in etcd), their role and the",
            "                                    revision of every policy they applied",
            "",
            "Options:",
            "  --endpoints URLS      comma-separated etcd URLs (default http://127.0.0.1:2379)",
            "  --user NAME           etcd user",
            "  --password-file FILE  file holding the etcd password (or set LOGCOLLECT_ETCD_PASSWORD)",
            "  --cacert FILE         PEM CA of etcd's server certificate (https endpoints)",
            "  --cert FILE --key FILE  PEM client certificate and key for mutual TLS",
            "  --timeout-ms N        per request (default 5000)",
            "  --config FILE         a properties file with the provider's parameters (endpoints, username,",
            "                        password, tls.ca.file, tls.cert.file, tls.key.file, timeout.ms), plain or",
            "                        as config.providers.<name>.param.<key> in a worker config",
            "  --prefix PATH         where policies live (default " + DEFAULT_PREFIX + ")",
            "  --allowed-paths DIRS  validate paths against these directories (a worker's allowed.paths)",
            "  --expect-revision N   the mod_revision the policy must still have for put/delete (0: put creates)",
            "  --replace             add-entry replaces an existing entry with the same id",
            "",
            "Exit status: 0 done, 1 refused or failed (the reason is printed), 2 wrong usage.");

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    PolicyTool(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new PolicyTool(System.out, System.err, System.getenv()).run(args));
    }

    /** Runs one command; returns the exit status. */
    int run(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        if (options.help) {
            out.println(HELP);
            return OK;
        }
        try {
            return switch (options.command) {
                case "validate" -> validate(options);
                case "list", "get", "put", "add-entry", "remove-entry", "delete", "agents" -> withEtcd(options);
                default -> {
                    err.println("error: unknown command '" + options.command + "'. Run with --help for usage.");
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return e instanceof UsageException ? USAGE : FAILED;
        } catch (EtcdAccessException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private int withEtcd(Options options) {
        EtcdSettings settings = settings(options);
        try (EtcdStore store = new EtcdStore(settings)) {
            return switch (options.command) {
                case "list" -> list(store, options);
                case "get" -> get(store, options);
                case "put" -> put(store, options);
                case "add-entry" -> addEntry(store, options);
                case "remove-entry" -> removeEntry(store, options);
                case "agents" -> agents(store, options);
                default -> delete(store, options);
            };
        }
    }

    private int validate(Options options) {
        options.expectArguments(1, "validate <file>");
        String document = readFile(Path.of(options.arguments.get(0)));
        return report(document, options, options.arguments.get(0)) ? OK : FAILED;
    }

    /** Prints what is wrong with a policy document; true when it has no error. */
    private boolean report(String document, Options options, String what) {
        ParsedPolicy parsed;
        try {
            parsed = PolicyParser.parse(document, options.allowedPaths);
        } catch (InvalidPolicyException e) {
            err.println(what + ": " + e.getMessage());
            return false;
        }
        for (EntryError error : parsed.errors()) {
            err.println(what + ": " + error.message());
        }
        if (parsed.errors().isEmpty()) {
            err.println(what + ": valid, " + parsed.entries().size() + " entr" + (parsed.entries().size() == 1
                    ? "y" : "ies"));
            return true;
        }
        err.println(what + ": " + parsed.errors().size() + " invalid entr" + (parsed.errors().size() == 1 ? "y"
                : "ies") + " of " + (parsed.errors().size() + parsed.entries().size()));
        return false;
    }

    private int list(EtcdStore store, Options options) {
        options.expectArguments(0, "list");
        String directory = options.prefix + "/";
        Snapshot snapshot = store.readPrefix(directory);
        Map<String, Versioned> policies = new LinkedHashMap<>();
        snapshot.values().forEach((key, value) -> {
            String rest = key.substring(directory.length());
            if (rest.endsWith("/" + ENTRIES) && rest.indexOf('/') == rest.length() - ENTRIES.length() - 1) {
                policies.put(rest.substring(0, rest.indexOf('/')), value);
            }
        });
        policies.forEach((name, value) -> out.println(name + "\tmod_revision=" + value.modRevision() + "\t"
                + entryCount(value.value())));
        err.println(policies.size() + " polic" + (policies.size() == 1 ? "y" : "ies") + " under " + directory);
        return OK;
    }

    /** One line per registered worker: id, role, host, version, and key@revision of what it applied. */
    private int agents(EtcdStore store, Options options) {
        options.expectArguments(0, "agents");
        Snapshot snapshot = store.readPrefix(AgentRegistry.PREFIX);
        for (Versioned registration : snapshot.values().values()) {
            JsonNode agent;
            try {
                agent = MAPPER.readTree(registration.value());
            } catch (JsonProcessingException e) {
                continue;
            }
            StringBuilder line = new StringBuilder(agent.path("id").asText()).append('\t')
                    .append(agent.path("role").asText()).append('\t').append(agent.path("host").asText())
                    .append("\tversion=").append(agent.path("version").asText())
                    .append("\tstarted=").append(agent.path("started").asText());
            agent.path("keys").properties().forEach(key -> line.append('\t').append(key.getKey()).append('@')
                    .append(key.getValue().path("mod_revision").asLong()));
            agent.path("refused").properties().forEach(key -> line.append("\trefused ").append(key.getKey())
                    .append('@').append(key.getValue().path("mod_revision").asLong()));
            out.println(line);
        }
        err.println(snapshot.values().size() + " worker" + (snapshot.values().size() == 1 ? "" : "s")
                + " online under " + AgentRegistry.PREFIX);
        return OK;
    }

    private static String entryCount(String document) {
        try {
            JsonNode node = MAPPER.readTree(document);
            return node != null && node.isArray() ? node.size() + " entries" : "not a JSON array";
        } catch (JsonProcessingException e) {
            return "not valid JSON";
        }
    }

    private int get(EtcdStore store, Options options) {
        options.expectArguments(1, "get <policy>");
        String key = key(options, options.arguments.get(0));
        Versioned value = store.read(List.of(key)).values().get(key);
        if (value == null) {
            err.println("policy '" + options.arguments.get(0) + "' does not exist (no key " + key + ")");
            return FAILED;
        }
        out.println(value.value());
        err.println("mod_revision=" + value.modRevision());
        return OK;
    }

    private int put(EtcdStore store, Options options) {
        options.expectArguments(2, "put <policy> <file>");
        String policy = options.arguments.get(0);
        String key = key(options, policy);
        String document = readFile(Path.of(options.arguments.get(1)));
        if (!report(document, options, options.arguments.get(1))) {
            err.println("refused: " + key + " was not written");
            return FAILED;
        }
        if (options.expectRevision == null) {
            Versioned current = store.read(List.of(key)).values().get(key);
            if (current != null) {
                err.println("refused: policy '" + policy + "' exists at mod_revision " + current.modRevision()
                        + "; replacing it needs --expect-revision " + current.modRevision() + " (the revision you read"
                        + " with get), so a change made since is never overwritten unseen");
                return FAILED;
            }
        }
        return write(store, key, document, options.expectRevision == null ? 0 : options.expectRevision,
                options.expectRevision != null);
    }

    private int write(EtcdStore store, String key, String document, long expected, boolean explicit) {
        WriteResult result = store.putIfModRevision(key, document, expected);
        if (result.written()) {
            out.println("wrote " + key + " at revision " + result.revision());
            return OK;
        }
        err.println("refused: " + key + conflict(expected, result.revision(), explicit)
                + "; nothing was overwritten. Read it again (get), apply your change to that version and retry"
                + " with --expect-revision " + result.revision());
        return FAILED;
    }

    private static String conflict(long expected, long current, boolean explicit) {
        String now = current == 0 ? "it does not exist" : "its mod_revision is now " + current;
        if (expected == 0) {
            return " was expected not to exist, but " + now;
        }
        return (explicit ? " was expected at mod_revision " + expected : " changed after it was read at mod_revision "
                + expected) + ", but " + now;
    }

    private int addEntry(EtcdStore store, Options options) {
        options.expectArguments(2, "add-entry <policy> <entry-file>");
        JsonNode entry;
        String file = options.arguments.get(1);
        try {
            entry = MAPPER.readTree(readFile(Path.of(file)));
        } catch (JsonProcessingException e) {
            err.println(file + ": not valid JSON: " + e.getOriginalMessage());
            return FAILED;
        }
        if (entry == null || !entry.isObject() || !entry.path("id").isTextual()) {
            err.println(file + ": an entry must be a JSON object with a string \"id\"");
            return FAILED;
        }
        String id = entry.get("id").asText();
        return modify(store, options, entries -> {
            int index = indexOf(entries, id);
            if (index >= 0 && !options.replace) {
                throw new IllegalArgumentException("policy '" + options.arguments.get(0) + "' already has an entry '"
                        + id + "'; use --replace to replace it");
            }
            if (index >= 0) {
                entries.set(index, entry);
            } else {
                entries.add(entry);
            }
        });
    }

    private int removeEntry(EtcdStore store, Options options) {
        options.expectArguments(2, "remove-entry <policy> <id>");
        String id = options.arguments.get(1);
        return modify(store, options, entries -> {
            int index = indexOf(entries, id);
            if (index < 0) {
                throw new IllegalArgumentException("policy '" + options.arguments.get(0) + "' has no entry '" + id + "'");
            }
            entries.remove(index);
        });
    }

    /** Read-modify-write with a mod_revision compare, repeated when someone else wrote in between. */
    private int modify(EtcdStore store, Options options, java.util.function.Consumer<ArrayNode> change) {
        String key = key(options, options.arguments.get(0));
        for (int attempt = 1; attempt <= READ_MODIFY_WRITE_ATTEMPTS; attempt++) {
            Versioned current = store.read(List.of(key)).values().get(key);
            ArrayNode entries;
            try {
                JsonNode node = current == null ? MAPPER.createArrayNode() : MAPPER.readTree(current.value());
                if (node == null || !node.isArray()) {
                    err.println(key + " is not a JSON array; fix it with put first");
                    return FAILED;
                }
                entries = (ArrayNode) node;
            } catch (JsonProcessingException e) {
                err.println(key + " is not valid JSON (" + e.getOriginalMessage() + "); fix it with put first");
                return FAILED;
            }
            change.accept(entries);
            String document = entries.toPrettyString();
            if (!report(document, options, key + " after the change")) {
                err.println("refused: " + key + " was not written");
                return FAILED;
            }
            long expected = current == null ? 0 : current.modRevision();
            WriteResult result = store.putIfModRevision(key, document, expected);
            if (result.written()) {
                out.println("wrote " + key + " at revision " + result.revision());
                return OK;
            }
            err.println(key + " changed while being edited (mod_revision " + expected + " -> " + result.revision()
                    + "); applying the change to the new version");
        }
        err.println("refused: " + key + " keeps changing; try again later");
        return FAILED;
    }

    private int delete(EtcdStore store, Options options) {
        options.expectArguments(1, "delete <policy>");
        if (options.expectRevision == null || options.expectRevision == 0) {
            throw new UsageException("delete needs --expect-revision N (the mod_revision shown by get)");
        }
        String key = key(options, options.arguments.get(0));
        WriteResult result = store.deleteIfModRevision(key, options.expectRevision);
        if (result.written()) {
            out.println("deleted " + key + " at revision " + result.revision());
            return OK;
        }
        err.println("refused: " + key + conflict(options.expectRevision, result.revision(), true)
                + "; nothing was deleted");
        return FAILED;
    }

    private static int indexOf(ArrayNode entries, String id) {
        for (int i = 0; i < entries.size(); i++) {
            if (id.equals(entries.get(i).path("id").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    private static String key(Options options, String policy) {
        if (!POLICY_NAME.matcher(policy).matches()) {
            throw new UsageException("policy name '" + policy + "' must match [A-Za-z0-9._-]{1,128}");
        }
        return options.prefix + "/" + policy + "/" + ENTRIES;
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e);
        }
    }

    private EtcdSettings settings(Options options) {
        Map<String, String> params = new LinkedHashMap<>();
        if (options.configFile != null) {
            params.putAll(providerParams(options.configFile));
        }
        params.putAll(options.etcd);
        String password = params.get("password");
        if (password == null && env.get("LOGCOLLECT_ETCD_PASSWORD") != null) {
            password = env.get("LOGCOLLECT_ETCD_PASSWORD");
        }
        return new EtcdSettings(EtcdSettings.parseEndpoints(params.getOrDefault("endpoints", "http://127.0.0.1:2379")),
                blankToNull(params.get("username")), blankToNull(password), path(params.get("tls.ca.file")),
                path(params.get("tls.cert.file")), path(params.get("tls.key.file")),
                Duration.ofMillis(Long.parseLong(params.getOrDefault("timeout.ms", "5000"))));
    }

    /** The provider parameters of a properties file: plain keys, or config.providers.*.param.* of a worker config. */
    static Map<String, String> providerParams(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e);
        }
        Map<String, String> params = new LinkedHashMap<>();
        List<String> keys = List.of("endpoints", "username", "password", "tls.ca.file", "tls.cert.file",
                "tls.key.file", "timeout.ms");
        for (String name : properties.stringPropertyNames()) {
            for (String key : keys) {
                if (name.equals(key) || name.startsWith("config.providers.") && name.endsWith(".param." + key)) {
                    params.put(key, properties.getProperty(name).trim());
                }
            }
        }
        return params;
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Wrong usage: exit status 2. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Options {
        String command;
        final List<String> arguments = new ArrayList<>();
        final Map<String, String> etcd = new LinkedHashMap<>();
        Path configFile;
        String prefix = DEFAULT_PREFIX;
        AllowedPaths allowedPaths;
        Long expectRevision;
        boolean replace;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> options.help = true;
                    case "--replace" -> options.replace = true;
                    case "--endpoints" -> options.etcd.put("endpoints", value(args, ++i, arg));
                    case "--user" -> options.etcd.put("username", value(args, ++i, arg));
                    case "--password" -> throw new IllegalArgumentException("--password is not accepted: a password "
                            + "on the command line is visible to every user of the machine; use --password-file or "
                            + "LOGCOLLECT_ETCD_PASSWORD");
                    case "--password-file" -> options.etcd.put("password",
                            readFile(Path.of(value(args, ++i, arg))).strip());
                    case "--cacert" -> options.etcd.put("tls.ca.file", value(args, ++i, arg));
                    case "--cert" -> options.etcd.put("tls.cert.file", value(args, ++i, arg));
                    case "--key" -> options.etcd.put("tls.key.file", value(args, ++i, arg));
                    case "--timeout-ms" -> options.etcd.put("timeout.ms", number(value(args, ++i, arg), arg));
                    case "--config" -> options.configFile = Path.of(value(args, ++i, arg));
                    case "--prefix" -> options.prefix = prefix(value(args, ++i, arg));
                    case "--allowed-paths" -> options.allowedPaths =
                            AllowedPaths.of(Arrays.asList(value(args, ++i, arg).split(",")));
                    case "--expect-revision" -> options.expectRevision = Long.parseLong(number(value(args, ++i, arg),
                            arg));
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        rest.add(arg);
                    }
                }
            }
            if (!options.help) {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("no command given");
                }
                options.command = rest.get(0);
                options.arguments.addAll(rest.subList(1, rest.size()));
            }
            return options;
        }

        void expectArguments(int count, String usage) {
            if (arguments.size() != count) {
                throw new UsageException("usage: " + usage);
            }
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static String number(String value, String option) {
            if (!value.matches("\\d+")) {
                throw new IllegalArgumentException(option + " must be a non-negative number, not '" + value + "'");
            }
            return value;
        }

        private static String prefix(String value) {
            if (!value.startsWith("/")) {
                throw new IllegalArgumentException("--prefix must start with /");
            }
            String trimmed = value;
            while (trimmed.endsWith("/") && trimmed.length() > 1) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            return trimmed;
        }
    }
}
