package io.logcollect.policies.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdAccessException;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import io.logcollect.etcd.client.Versioned;
import io.logcollect.etcd.client.WriteResult;
import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Collection policies in etcd (DESIGN.md sections 2 and 10), for every tool that changes them: the command-line
 * tool and the console go through this class, so they can never disagree on what a valid change is.
 *
 * <p>A policy's entries live at {@code <prefix>/<policy>/entries}, which agents watch. Every change is validated
 * by the agents' own parser, then written in one etcd transaction that compares the entries' {@code mod_revision}
 * with the one the operator read (so nobody overwrites a change they did not see) and writes the history record
 * {@code {"entries", "author", "time", "comment"}} with it, so there is never a change without its record.
 *
 * <p>The record is named by the new revision ({@code history/<mod_revision>}), which etcd assigns only when the
 * transaction commits; so the transaction writes it under a provisional name and a second write gives it its
 * name. A provisional record left by a writer that died in between is still read: its own {@code mod_revision}
 * is the revision of its change.
 */
public final class PolicyStore {

    public static final String DEFAULT_PREFIX = "/logcollect/policies";
    private static final String ENTRIES = "entries";
    private static final String HISTORY = "history/";
    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);
    private static final String PROVISIONAL = "pending-";
    /** The comment of a record the store writes for a value it did not write. */
    static final String OUTSIDE = "written outside logcollect";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** History records kept per policy unless told otherwise. */
    public static final int DEFAULT_HISTORY_KEEP = 200;

    private final EtcdStore etcd;
    private final String prefix;
    private final AllowedPaths allowedPaths;
    private final int historyKeep;

    /** A store keeping {@value #DEFAULT_HISTORY_KEEP} history records per policy. */
    public PolicyStore(EtcdStore etcd, String prefix, AllowedPaths allowedPaths) {
        this(etcd, prefix, allowedPaths, DEFAULT_HISTORY_KEEP);
    }

    /**
     * @param prefix       where policies live, without a trailing slash
     * @param allowedPaths where entries may collect from (a worker's {@code allowed.paths}); null: anywhere
     * @param historyKeep  history records kept per policy: a change past it deletes the oldest
     */
    public PolicyStore(EtcdStore etcd, String prefix, AllowedPaths allowedPaths, int historyKeep) {
        if (historyKeep < 1) {
            throw new IllegalArgumentException("a policy keeps at least 1 history record, not " + historyKeep);
        }
        this.etcd = etcd;
        this.prefix = prefix;
        this.allowedPaths = allowedPaths;
        this.historyKeep = historyKeep;
    }

    /** Refuses a policy name that could escape its directory or is not a plain name. */
    public static String checkName(String policy) {
        if (policy == null || !NAME.matcher(policy).matches()) {
            throw new IllegalArgumentException("policy name '" + policy + "' must match [A-Za-z0-9._-]{1,128}");
        }
        return policy;
    }

    public String prefix() {
        return prefix;
    }

    /** The key agents read: {@code <prefix>/<policy>/entries}. */
    public String entriesKey(String policy) {
        return prefix + "/" + checkName(policy) + "/" + ENTRIES;
    }

    private String historyDirectory(String policy) {
        return prefix + "/" + checkName(policy) + "/" + HISTORY;
    }

    /** Every policy that has entries, by name, with its last recorded change. */
    public List<PolicySummary> list() {
        String directory = prefix + "/";
        Map<String, Long> entryRevisions = new TreeMap<>();
        Map<String, Long> newestRecord = new LinkedHashMap<>();
        Map<String, String> newestRecordKey = new LinkedHashMap<>();
        etcd.keyRevisions(directory).forEach((key, modRevision) -> {
            String rest = key.substring(directory.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                return;
            }
            String policy = rest.substring(0, slash);
            String inside = rest.substring(slash + 1);
            if (inside.equals(ENTRIES)) {
                entryRevisions.put(policy, modRevision);
            } else if (inside.startsWith(HISTORY)) {
                long revision = recordRevision(inside.substring(HISTORY.length()), modRevision);
                if (revision > newestRecord.getOrDefault(policy, -1L)) {
                    newestRecord.put(policy, revision);
                    newestRecordKey.put(policy, key);
                }
            }
        });
        List<String> keys = new ArrayList<>();
        entryRevisions.keySet().forEach(policy -> {
            keys.add(directory + policy + "/" + ENTRIES);
            if (newestRecordKey.containsKey(policy)) {
                keys.add(newestRecordKey.get(policy));
            }
        });
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, Versioned> values = etcd.read(keys).values();
        List<PolicySummary> policies = new ArrayList<>();
        entryRevisions.forEach((policy, modRevision) -> {
            Versioned entries = values.get(directory + policy + "/" + ENTRIES);
            if (entries == null) {
                return;
            }
            Optional<Revision> last = Optional.ofNullable(newestRecordKey.get(policy)).map(values::get)
                    .flatMap(record -> parseRecord(newestRecord.get(policy), record.value()))
                    .filter(record -> record.revision() == entries.modRevision());
            policies.add(new PolicySummary(policy, entries.modRevision(), entryCount(entries.value()), last));
        });
        return policies;
    }

    /** The policy's entries as stored, with their {@code mod_revision}; empty when it does not exist. */
    public Optional<Versioned> read(String policy) {
        String key = entriesKey(policy);
        return Optional.ofNullable(etcd.read(List.of(key)).values().get(key));
    }

    /** Checks a document with the parser the agents run. */
    public Validation validate(String document) {
        ParsedPolicy parsed;
        try {
            parsed = PolicyParser.parse(document, allowedPaths);
        } catch (InvalidPolicyException e) {
            return new Validation(Optional.of(e.getMessage()), List.of(), 0);
        }
        return new Validation(Optional.empty(), parsed.errors(), parsed.entries().size());
    }

    /**
     * Saves a new version of a policy if it is valid and the policy is still at {@code expectedRevision} (0: it
     * must not exist yet).
     */
    public SaveOutcome save(String policy, String document, long expectedRevision, Change change) {
        Validation validation = validate(document);
        if (!validation.valid()) {
            return new SaveOutcome.Invalid(validation);
        }
        return write(policy, Optional.of(document), expectedRevision, change, Optional.empty());
    }

    /** Deletes a policy if it is still at {@code expectedRevision}; its history stays. */
    public SaveOutcome delete(String policy, long expectedRevision, Change change) {
        if (expectedRevision <= 0) {
            throw new IllegalArgumentException("deleting policy '" + policy + "' needs the revision it was read at");
        }
        return write(policy, Optional.empty(), expectedRevision, change, Optional.empty());
    }

    /**
     * Makes the entries of an earlier revision current again, as a new revision (the history keeps every step),
     * if the policy is still at {@code expectedRevision}.
     */
    public SaveOutcome rollback(String policy, long toRevision, long expectedRevision, Change change) {
        Revision target = revision(policy, toRevision).orElseThrow(() -> new IllegalArgumentException(
                "policy '" + policy + "' has no revision " + toRevision + " in its history"));
        String document = target.entries().orElseThrow(() -> new IllegalArgumentException(
                "revision " + toRevision + " of policy '" + policy + "' deleted it: there are no entries to restore"));
        Validation validation = validate(document);
        if (!validation.valid()) {
            return new SaveOutcome.Invalid(validation);
        }
        return write(policy, Optional.of(document), expectedRevision, change, Optional.of(toRevision));
    }

    /** The policy's history, newest first. */
    public List<Revision> history(String policy) {
        String directory = historyDirectory(policy);
        List<Revision> revisions = new ArrayList<>();
        etcd.readPrefix(directory).values().forEach((key, record) -> parseRecord(
                recordRevision(key.substring(directory.length()), record.modRevision()), record.value())
                .ifPresent(revisions::add));
        revisions.sort(Comparator.comparingLong(Revision::revision).reversed());
        return revisions;
    }

    /** One revision from the policy's history. */
    public Optional<Revision> revision(String policy, long revision) {
        return history(policy).stream().filter(r -> r.revision() == revision).findFirst();
    }

    /** Every worker registered now (online), by id. */
    public List<Registration> agents() {
        List<Registration> agents = new ArrayList<>();
        etcd.readPrefix(Registration.PREFIX).values().values()
                .forEach(value -> Registration.parse(value.value()).ifPresent(agents::add));
        agents.sort(Comparator.comparing(Registration::id));
        return agents;
    }

    private SaveOutcome write(String policy, Optional<String> document, long expectedRevision, Change change,
                              Optional<Long> rollbackOf) {
        String entriesKey = entriesKey(policy);
        String provisional = historyDirectory(policy) + PROVISIONAL + UUID.randomUUID();
        String record = record(document, change, rollbackOf);
        Mutation entries = document.<Mutation>map(d -> new Mutation.Put(entriesKey, d))
                .orElseGet(() -> new Mutation.Delete(entriesKey));
        List<Mutation> mutations = new ArrayList<>(List.of(entries, new Mutation.Put(provisional, record)));
        outsideRecord(policy, expectedRevision).ifPresent(mutations::add);
        WriteResult result = etcd.applyIfModRevision(entriesKey, expectedRevision, mutations);
        if (!result.written()) {
            Optional<Versioned> current = read(policy);
            return new SaveOutcome.Conflict(expectedRevision, current.map(Versioned::modRevision).orElse(0L),
                    current.map(Versioned::value));
        }
        try {
            etcd.apply(List.of(new Mutation.Put(historyDirectory(policy) + result.revision(), record),
                    new Mutation.Delete(provisional)));
        } catch (EtcdAccessException e) {
            // the change and its record are in etcd: the record is read under its provisional name
            log.warn("Policy '{}': revision {} is saved, but its history record keeps its provisional name {} ({});"
                    + " history reads it the same", policy, result.revision(), provisional, e.getMessage());
        }
        pruneHistory(policy);
        return new SaveOutcome.Saved(result.revision());
    }

    /**
     * Deletes the policy's oldest history records beyond {@code historyKeep}. Apart from the change: a failure
     * leaves a longer history, never a change without its record.
     */
    private void pruneHistory(String policy) {
        List<Mutation> deletions = historyKeys(policy).values().stream().skip(historyKeep)
                .<Mutation>map(Mutation.Delete::new).toList();
        if (deletions.isEmpty()) {
            return;
        }
        try {
            etcd.apply(deletions);
        } catch (EtcdAccessException e) {
            log.warn("Policy '{}': {} history records past the {} kept are not deleted yet ({}); the next change"
                    + " tries again", policy, deletions.size(), historyKeep, e.getMessage());
        }
    }

    /**
     * The record of the value at {@code expectedRevision} when it was written outside the store (etcdctl, an older
     * tool) and has none, to be written with the change that replaces it: so that change can be rolled back too.
     * Written in the same transaction, whose compare on the revision makes the value recorded the one replaced.
     */
    private Optional<Mutation> outsideRecord(String policy, long expectedRevision) {
        if (expectedRevision <= 0) {
            return Optional.empty();
        }
        Optional<Versioned> current = read(policy);
        if (current.isEmpty() || current.get().modRevision() != expectedRevision
                || entryCount(current.get().value()).isEmpty()
                || historyKeys(policy).containsKey(expectedRevision)) {
            return Optional.empty();
        }
        return Optional.of(new Mutation.Put(historyDirectory(policy) + expectedRevision, record(
                Optional.of(current.get().value()), new Change("", OUTSIDE, Instant.now()), Optional.empty())));
    }

    private static String record(Optional<String> document, Change change, Optional<Long> rollbackOf) {
        ObjectNode record = MAPPER.createObjectNode();
        if (document.isPresent()) {
            try {
                record.set("entries", MAPPER.readTree(document.get()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a validated policy is JSON", e);
            }
        } else {
            record.put("deleted", true);
        }
        record.put("author", change.author());
        record.put("time", change.time().toString());
        record.put("comment", change.comment());
        rollbackOf.ifPresent(revision -> record.put("rollback_of", revision));
        return record.toString();
    }

    /** The policy's history keys by the revision each stands for, newest first; read without the records. */
    private Map<Long, String> historyKeys(String policy) {
        String directory = historyDirectory(policy);
        Map<Long, String> keys = new TreeMap<>(Comparator.reverseOrder());
        etcd.keyRevisions(directory).forEach((key, modRevision) ->
                keys.put(recordRevision(key.substring(directory.length()), modRevision), key));
        return keys;
    }

    /** The revision a history key stands for: its name, or for a provisional record its own mod_revision. */
    private static long recordRevision(String name, long modRevision) {
        if (name.startsWith(PROVISIONAL)) {
            return modRevision;
        }
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<Revision> parseRecord(long revision, String value) {
        if (revision < 0) {
            return Optional.empty();
        }
        try {
            JsonNode record = MAPPER.readTree(value);
            if (record == null || !record.isObject()) {
                return Optional.empty();
            }
            Optional<String> entries = record.path("deleted").asBoolean(false) || !record.has("entries")
                    ? Optional.empty() : Optional.of(MAPPER.writeValueAsString(record.get("entries")));
            Instant time = Instant.parse(record.path("time").asText());
            Optional<Long> rollbackOf = record.has("rollback_of") ? Optional.of(record.get("rollback_of").asLong())
                    : Optional.empty();
            return Optional.of(new Revision(revision, entries, record.path("author").asText(""), time,
                    record.path("comment").asText(""), rollbackOf));
        } catch (JsonProcessingException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> entryCount(String document) {
        try {
            JsonNode node = MAPPER.readTree(document);
            return node != null && node.isArray() ? Optional.of(node.size()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
