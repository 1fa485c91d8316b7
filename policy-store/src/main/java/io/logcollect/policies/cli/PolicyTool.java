package io.logcollect.policies.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Versioned;
import io.logcollect.policies.store.Change;
import io.logcollect.policies.store.PolicyDiff;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.policies.store.PolicySummary;
import io.logcollect.policies.store.Revision;
import io.logcollect.policies.store.SaveOutcome;
import io.logcollect.policies.store.Validation;
import io.logcollect.policy.AllowedPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Command-line tool for operators: lists, reads, validates and changes collection policies in etcd, shows their
 * history and rolls them back. Every change goes through the {@link PolicyStore} the console uses too. Run
 * {@code --help}.
 */
@Command(name = "logcollect-policy", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = PolicyTool.ToolVersion.class,
        description = "Collection policies in etcd (/logcollect/policies/<policy>/entries). Every change is "
                + "validated by the agents' own parser, compares the mod_revision you read (nothing changed since "
                + "is overwritten unseen) and is recorded in the policy's history with author and comment.",
        footer = "%nExit status: 0 done, 1 refused or failed (the reason is printed), 2 wrong usage.")
public final class PolicyTool {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int READ_MODIFY_WRITE_ATTEMPTS = 5;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--endpoints", scope = ScopeType.INHERIT, paramLabel = "URLS",
            description = "comma-separated etcd URLs (default http://127.0.0.1:2379)")
    private String endpoints;

    @Option(names = "--user", scope = ScopeType.INHERIT, paramLabel = "NAME", description = "etcd user")
    private String user;

    @Option(names = "--password-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "file holding the etcd password (or set LOGCOLLECT_ETCD_PASSWORD)")
    private Path passwordFile;

    @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM CA of etcd's server certificate (https endpoints)")
    private Path caFile;

    @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM client certificate for mutual TLS (with --key)")
    private Path certFile;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM private key of the client certificate")
    private Path keyFile;

    @Option(names = "--timeout-ms", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "limit of every etcd request (default 5000)")
    private Long timeoutMs;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "a properties file with the provider's parameters (endpoints, username, password, "
                    + "tls.ca.file, tls.cert.file, tls.key.file, timeout.ms), plain or as "
                    + "config.providers.<name>.param.<key> in a worker config")
    private Path configFile;

    @Option(names = "--prefix", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "where policies live (default " + PolicyStore.DEFAULT_PREFIX + ")")
    private String prefix = PolicyStore.DEFAULT_PREFIX;

    @Option(names = "--allowed-paths", scope = ScopeType.INHERIT, paramLabel = "DIRS", split = ",",
            description = "validate paths against these directories (a worker's allowed.paths)")
    private List<String> allowedPaths;

    @Option(names = "--expect-revision", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "the mod_revision the policy must still have (0: put creates it)")
    private Long expectRevision;

    @Option(names = {"-m", "--comment"}, scope = ScopeType.INHERIT, paramLabel = "TEXT",
            description = "why: recorded in the history with the change")
    private String comment = "";

    @Option(names = "--author", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "who: recorded in the history (default: your user name @ this host)")
    private String author;

    @Option(names = "--password", scope = ScopeType.INHERIT, hidden = true, arity = "1")
    private void refusePassword(String ignored) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--password is not accepted: a password on the "
                + "command line is visible to every user of the machine; use --password-file or "
                + "LOGCOLLECT_ETCD_PASSWORD");
    }

    PolicyTool(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new PolicyTool(System.out, System.err, System.getenv()).run(args));
    }

    /** Runs one command; returns the exit status. */
    int run(String... args) {
        CommandLine commandLine = new CommandLine(this)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED)
                .setParameterExceptionHandler((e, arguments) -> {
                    err.println("error: " + e.getMessage());
                    err.println("Run with --help for usage.");
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof IllegalArgumentException || e instanceof EtcdAccessException) {
                        err.println("error: " + e.getMessage());
                        return FAILED;
                    }
                    throw e;
                });
        if (args.length == 0) {
            err.println("error: no command given");
            err.println("Run with --help for usage.");
            return USAGE;
        }
        return commandLine.execute(args);
    }

    @Command(name = "validate", description = "check a policy file; prints every entry error")
    int validate(@Parameters(paramLabel = "FILE") Path file) {
        return report(store(null).validate(readFile(file)), file.toString()) ? OK : FAILED;
    }

    @Command(name = "list", description = "every policy with its mod_revision, entry count and last change")
    int list() {
        return withStore(store -> {
            List<PolicySummary> policies = store.list();
            for (PolicySummary policy : policies) {
                out.println(policy.name() + "\tmod_revision=" + policy.modRevision() + "\t"
                        + policy.entryCount().map(n -> n + " entries").orElse("not a JSON array")
                        + policy.lastChange().map(c -> "\t" + c.time() + "\t" + c.author() + "\t" + c.comment())
                        .orElse(""));
            }
            err.println(policies.size() + " polic" + (policies.size() == 1 ? "y" : "ies") + " under "
                    + store.prefix() + "/");
            return OK;
        });
    }

    @Command(name = "get", description = "the policy's entries (JSON) on stdout, its mod_revision on stderr")
    int get(@Parameters(paramLabel = "POLICY") String policy) {
        return withStore(store -> {
            Optional<Versioned> value = store.read(policy);
            if (value.isEmpty()) {
                err.println("policy '" + policy + "' does not exist (no key " + store.entriesKey(policy) + ")");
                return FAILED;
            }
            out.println(value.get().value());
            err.println("mod_revision=" + value.get().modRevision());
            return OK;
        });
    }

    @Command(name = "put", description = "validate the file, then write it: a new policy, or with "
            + "--expect-revision N (the mod_revision get printed) a policy whose mod_revision is still N")
    int put(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "FILE") Path file) {
        String document = readFile(file);
        return withStore(store -> {
            String key = store.entriesKey(policy);
            Validation validation = store.validate(document);
            if (!report(validation, file.toString())) {
                err.println("refused: " + key + " was not written");
                return FAILED;
            }
            if (expectRevision == null) {
                Optional<Versioned> current = store.read(policy);
                if (current.isPresent()) {
                    err.println("refused: policy '" + policy + "' exists at mod_revision " + current.get().modRevision()
                            + "; replacing it needs --expect-revision " + current.get().modRevision() + " (the "
                            + "revision you read with get), so a change made since is never overwritten unseen");
                    return FAILED;
                }
            }
            long expected = expectRevision == null ? 0 : expectRevision;
            return outcome(store.save(policy, document, expected, change()), key, expected, expectRevision != null,
                    "nothing was overwritten. Read it again (get), apply your change to that version and retry");
        });
    }

    @Command(name = "add-entry", description = "add one entry (a JSON object); --replace replaces the entry with "
            + "the same id")
    int addEntry(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "ENTRY_FILE") Path file,
                 @Option(names = "--replace", description = "replace an existing entry with the same id")
                 boolean replace) {
        JsonNode entry;
        try {
            entry = MAPPER.readTree(readFile(file));
        } catch (JsonProcessingException e) {
            err.println(file + ": not valid JSON: " + e.getOriginalMessage());
            return FAILED;
        }
        if (entry == null || !entry.isObject() || !entry.path("id").isTextual()) {
            err.println(file + ": an entry must be a JSON object with a string \"id\"");
            return FAILED;
        }
        String id = entry.get("id").asText();
        return modify(policy, entries -> {
            int index = indexOf(entries, id);
            if (index >= 0 && !replace) {
                throw new IllegalArgumentException("policy '" + policy + "' already has an entry '" + id
                        + "'; use --replace to replace it");
            }
            if (index >= 0) {
                entries.set(index, entry);
            } else {
                entries.add(entry);
            }
        });
    }

    @Command(name = "remove-entry", description = "remove the entry with this id")
    int removeEntry(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "ID") String id) {
        return modify(policy, entries -> {
            int index = indexOf(entries, id);
            if (index < 0) {
                throw new IllegalArgumentException("policy '" + policy + "' has no entry '" + id + "'");
            }
            entries.remove(index);
        });
    }

    @Command(name = "delete", description = "delete the policy (its history stays); needs --expect-revision")
    int delete(@Parameters(paramLabel = "POLICY") String policy) {
        if (expectRevision == null || expectRevision == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "delete needs --expect-revision N (the mod_revision shown by get)");
        }
        return withStore(store -> outcome(store.delete(policy, expectRevision, change()), store.entriesKey(policy),
                expectRevision, true, "nothing was deleted"));
    }

    @Command(name = "history", description = "the policy's revisions, newest first: revision, time, author, "
            + "comment")
    int history(@Parameters(paramLabel = "POLICY") String policy) {
        return withStore(store -> {
            List<Revision> revisions = store.history(policy);
            for (Revision revision : revisions) {
                out.println(revision.revision() + "\t" + revision.time() + "\t" + revision.author() + "\t"
                        + (revision.deletion() ? "deleted\t" : "")
                        + revision.rollbackOf().map(r -> "rollback to " + r + "\t").orElse("") + revision.comment());
            }
            err.println(revisions.size() + " revision" + (revisions.size() == 1 ? "" : "s") + " of policy '" + policy
                    + "'");
            return OK;
        });
    }

    @Command(name = "diff", description = "what changed between two revisions (the second defaults to the "
            + "current entries), as a unified diff")
    int diff(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "FROM") long from,
             @Parameters(paramLabel = "TO", arity = "0..1") Long to) {
        return withStore(store -> {
            String fromText = entriesAt(store, policy, from);
            String toText;
            String toLabel;
            if (to == null) {
                Versioned current = store.read(policy).orElseThrow(() -> new IllegalArgumentException(
                        "policy '" + policy + "' does not exist; name the second revision"));
                toText = current.value();
                toLabel = policy + "@" + current.modRevision() + " (current)";
            } else {
                toText = entriesAt(store, policy, to);
                toLabel = policy + "@" + to;
            }
            PolicyDiff.unified(policy + "@" + from, fromText, toLabel, toText).forEach(out::println);
            return OK;
        });
    }

    @Command(name = "rollback", description = "make the entries of an earlier revision current again, as a new "
            + "revision; with --expect-revision N only if the policy is still at N")
    int rollback(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "REVISION") long target) {
        return withStore(store -> {
            long expected = expectRevision != null ? expectRevision
                    : store.read(policy).map(Versioned::modRevision).orElse(0L);
            return outcome(store.rollback(policy, target, expected, change()), store.entriesKey(policy), expected,
                    expectRevision != null, "nothing was changed");
        });
    }

    @Command(name = "agents", description = "the workers online (registered in etcd), their role and the "
            + "revision of every policy they applied")
    int agents() {
        return withStore(store -> {
            List<Registration> agents = store.agents();
            for (Registration agent : agents) {
                StringBuilder line = new StringBuilder(agent.id()).append('\t').append(agent.role()).append('\t')
                        .append(agent.host()).append("\tversion=").append(agent.version())
                        .append("\tstarted=").append(agent.started());
                agent.keys().forEach((key, applied) -> line.append('\t').append(key).append('@')
                        .append(applied.modRevision()));
                agent.refused().forEach((key, refused) -> line.append("\trefused ").append(key).append('@')
                        .append(refused.modRevision()));
                out.println(line);
            }
            err.println(agents.size() + " worker" + (agents.size() == 1 ? "" : "s") + " online under "
                    + Registration.PREFIX);
            return OK;
        });
    }

    private static String entriesAt(PolicyStore store, String policy, long revision) {
        Revision found = store.revision(policy, revision).orElseThrow(() -> new IllegalArgumentException(
                "policy '" + policy + "' has no revision " + revision + " in its history (see: history " + policy
                        + ")"));
        return found.entries().orElse("");
    }

    /** Read-modify-write with a mod_revision compare, repeated when someone else wrote in between. */
    private int modify(String policy, Consumer<ArrayNode> change) {
        return withStore(store -> {
            String key = store.entriesKey(policy);
            for (int attempt = 1; attempt <= READ_MODIFY_WRITE_ATTEMPTS; attempt++) {
                Optional<Versioned> current = store.read(policy);
                ArrayNode entries;
                try {
                    JsonNode node = current.isEmpty() ? MAPPER.createArrayNode() : MAPPER.readTree(current.get().value());
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
                long expected = current.map(Versioned::modRevision).orElse(0L);
                SaveOutcome outcome = store.save(policy, entries.toPrettyString(), expected, change());
                if (outcome instanceof SaveOutcome.Invalid invalid) {
                    report(invalid.validation(), key + " after the change");
                    err.println("refused: " + key + " was not written");
                    return FAILED;
                }
                if (outcome instanceof SaveOutcome.Saved saved) {
                    out.println("wrote " + key + " at revision " + saved.revision());
                    return OK;
                }
                SaveOutcome.Conflict conflict = (SaveOutcome.Conflict) outcome;
                err.println(key + " changed while being edited (mod_revision " + expected + " -> "
                        + conflict.currentRevision() + "); applying the change to the new version");
            }
            err.println("refused: " + key + " keeps changing; try again later");
            return FAILED;
        });
    }

    private int outcome(SaveOutcome outcome, String key, long expected, boolean explicit, String refusal) {
        if (outcome instanceof SaveOutcome.Saved saved) {
            out.println((refusal.contains("deleted") ? "deleted " : "wrote ") + key + " at revision "
                    + saved.revision());
            return OK;
        }
        if (outcome instanceof SaveOutcome.Invalid invalid) {
            report(invalid.validation(), key);
            err.println("refused: " + key + " was not written");
            return FAILED;
        }
        SaveOutcome.Conflict conflict = (SaveOutcome.Conflict) outcome;
        long current = conflict.currentRevision();
        String now = current == 0 ? "it does not exist" : "its mod_revision is now " + current;
        String expectation = expected == 0 ? " was expected not to exist, but "
                : explicit ? " was expected at mod_revision " + expected + ", but "
                : " changed after it was read at mod_revision " + expected + ", but ";
        err.println("refused: " + key + expectation + now + "; " + refusal
                + (refusal.startsWith("nothing was overwritten") ? " with --expect-revision " + current : ""));
        return FAILED;
    }

    /** Prints what is wrong with a policy document; true when it has no error. */
    private boolean report(Validation validation, String what) {
        validation.messages().forEach(message -> err.println(what + ": " + message));
        if (validation.valid()) {
            err.println(what + ": valid, " + validation.validEntries() + " entr"
                    + (validation.validEntries() == 1 ? "y" : "ies"));
        } else if (validation.documentError().isEmpty()) {
            int invalid = validation.entryErrors().size();
            err.println(what + ": " + invalid + " invalid entr" + (invalid == 1 ? "y" : "ies") + " of "
                    + (invalid + validation.validEntries()));
        }
        return validation.valid();
    }

    private Change change() {
        return Change.now(author != null ? author : defaultAuthor(), comment);
    }

    private String defaultAuthor() {
        String name = env.getOrDefault("USER", System.getProperty("user.name", "unknown"));
        try {
            return name + "@" + InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return name;
        }
    }

    private int withStore(Function<PolicyStore, Integer> command) {
        try (EtcdStore etcd = new EtcdStore(settings())) {
            return command.apply(store(etcd));
        }
    }

    private PolicyStore store(EtcdStore etcd) {
        if (!prefix.startsWith("/")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prefix must start with /");
        }
        String trimmed = prefix.length() > 1 && prefix.endsWith("/") ? prefix.replaceAll("/+$", "") : prefix;
        return new PolicyStore(etcd, trimmed, allowedPaths == null ? null : AllowedPaths.of(allowedPaths));
    }

    private EtcdSettings settings() {
        Map<String, String> params = new LinkedHashMap<>();
        if (configFile != null) {
            params.putAll(providerParams(configFile));
        }
        putIfSet(params, "endpoints", endpoints);
        putIfSet(params, "username", user);
        if (passwordFile != null) {
            params.put("password", readFile(passwordFile).strip());
        }
        putIfSet(params, "tls.ca.file", caFile);
        putIfSet(params, "tls.cert.file", certFile);
        putIfSet(params, "tls.key.file", keyFile);
        putIfSet(params, "timeout.ms", timeoutMs);
        if (params.get("password") == null && env.get("LOGCOLLECT_ETCD_PASSWORD") != null) {
            params.put("password", env.get("LOGCOLLECT_ETCD_PASSWORD"));
        }
        return EtcdSettings.fromParameters(params);
    }

    private static void putIfSet(Map<String, String> params, String key, Object value) {
        if (value != null) {
            params.put(key, value.toString());
        }
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
        for (String name : properties.stringPropertyNames()) {
            for (String key : EtcdSettings.PARAMETERS) {
                if (name.equals(key) || name.startsWith("config.providers.") && name.endsWith(".param." + key)) {
                    params.put(key, properties.getProperty(name).trim());
                }
            }
        }
        return params;
    }

    private static int indexOf(ArrayNode entries, String id) {
        for (int i = 0; i < entries.size(); i++) {
            if (id.equals(entries.get(i).path("id").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e);
        }
    }

    /** The version of the jar this tool runs from. */
    static final class ToolVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PolicyTool.class.getPackage().getImplementationVersion();
            return new String[]{"logcollect-policy " + (version == null ? "(development build)" : version)};
        }
    }
}
