package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.etcd.agents.Registration;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.policies.store.PolicySummary;
import io.logcollect.console.search.SearchRequests;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every agent, from three sources (DESIGN.md section 9): the registry in etcd says which workers are alive, their
 * tasks' states, their output's health and which policy revisions each applied; the known hosts in etcd keep a host
 * whose workers are gone (offline); the status records in the index say how each task is doing, and how fresh that
 * is.
 */
public final class AgentDirectory {

    /** How far back the newest status record of a task is looked for. */
    static final Duration RECENT = Duration.ofHours(1);
    /** How far back a record can say when an offline host was last seen. */
    static final Duration REMEMBERED = Duration.ofDays(7);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String POLICY_KEY_SUFFIX = "/entries";

    private final PolicyStore policies;
    private final KnownHosts known;
    private final RestClient client;
    private final String statusIndex;
    private final HostCharts charts;

    public AgentDirectory(PolicyStore policies, KnownHosts known, RestClient client, String statusIndex,
                          String metricsIndex) {
        this.policies = policies;
        this.known = known;
        this.client = client;
        this.statusIndex = statusIndex;
        this.charts = new HostCharts(client, metricsIndex);
    }

    /** Every known host with an agent, the most urgent state first, then by name. */
    public List<Agent> list() throws IOException {
        Instant now = Instant.now();
        Map<String, List<Registration>> registered = new TreeMap<>();
        for (Registration registration : policies.agents()) {
            registered.computeIfAbsent(registration.host(), h -> new ArrayList<>()).add(registration);
        }
        Map<String, KnownHosts.KnownHost> knownHosts = known.all();
        registered.forEach((host, registrations) -> known.seen(host,
                registrations.stream().map(Registration::id).toList(), Optional.ofNullable(knownHosts.get(host)), now));
        Map<String, Long> current = new HashMap<>();
        for (PolicySummary summary : policies.list()) {
            current.put(policies.entriesKey(summary.name()), summary.modRevision());
        }
        Map<String, List<TaskStatus>> statuses = latestStatuses(now);
        TreeSet<String> hosts = new TreeSet<>(registered.keySet());
        hosts.addAll(knownHosts.keySet());
        Map<String, Instant> offlineSeen = lastSeen(hosts.stream().filter(h -> !registered.containsKey(h)).toList(),
                now);
        List<Agent> agents = new ArrayList<>();
        for (String host : hosts) {
            Optional<Instant> seen = Optional.ofNullable(offlineSeen.get(host));
            Optional<Instant> remembered = Optional.ofNullable(knownHosts.get(host))
                    .flatMap(KnownHosts.KnownHost::lastSeenTime);
            agents.add(agent(host, registered.getOrDefault(host, List.of()),
                    Optional.ofNullable(knownHosts.get(host)).map(KnownHosts.KnownHost::workers).orElse(List.of()),
                    statuses.getOrDefault(host, List.of()), latest(seen, remembered), current, now));
        }
        agents.sort(Comparator.comparing((Agent a) -> a.state().ordinal()).reversed().thenComparing(Agent::host));
        return agents;
    }

    /** Forgets a host (admin): it leaves the page unless one of its workers registers again. */
    public void forget(String host) {
        known.forget(host);
    }

    public Optional<Agent> agent(String host) throws IOException {
        return list().stream().filter(a -> a.host().equals(host)).findFirst();
    }

    /** The host's metrics over time for its charts (see {@link HostCharts}). */
    public Map<String, Object> metrics(String host, Instant from, Instant to, String device, String network)
            throws IOException {
        return charts.series(host, from, to, device, network);
    }

    /** The newest status of every task that wrote one in the last {@link #RECENT}, by host. */
    private Map<String, List<TaskStatus>> latestStatuses(Instant now) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        body.putObject("query").putObject("range").putObject("@timestamp")
                .put("gte", now.minus(RECENT).toEpochMilli()).put("format", "epoch_millis");
        ObjectNode tasks = body.putObject("aggs").putObject("tasks");
        tasks.putObject("terms").put("field", "agent.id").put("size", 10_000);
        ObjectNode latest = tasks.putObject("aggs").putObject("latest").putObject("top_hits");
        latest.put("size", 1);
        latest.putArray("sort").addObject().putObject("@timestamp").put("order", "desc");
        JsonNode response = SearchRequests.search(client, statusIndex, body);
        Map<String, List<TaskStatus>> byHost = new TreeMap<>();
        for (JsonNode bucket : response.path("aggregations").path("tasks").path("buckets")) {
            JsonNode source = bucket.path("latest").path("hits").path("hits").path(0).path("_source");
            if (source.isMissingNode()) {
                continue;
            }
            TaskStatus status = TaskStatus.of(source);
            byHost.computeIfAbsent(status.host(), h -> new ArrayList<>()).add(status);
        }
        return byHost;
    }

    /** The newest status record of each of these (offline) hosts in the last {@link #REMEMBERED}. */
    private Map<String, Instant> lastSeen(List<String> hosts, Instant now) throws IOException {
        Map<String, Instant> seen = new HashMap<>();
        if (hosts.isEmpty()) {
            return seen;
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("range").putObject("@timestamp")
                .put("gte", now.minus(REMEMBERED).toEpochMilli()).put("format", "epoch_millis");
        ArrayNode names = filter.addObject().putObject("terms").putArray("host.name");
        hosts.stream().limit(10_000).forEach(names::add);
        ObjectNode byHost = body.putObject("aggs").putObject("hosts");
        byHost.putObject("terms").put("field", "host.name").put("size", hosts.size());
        byHost.putObject("aggs").putObject("newest").putObject("max").put("field", "@timestamp");
        JsonNode response = SearchRequests.search(client, statusIndex, body);
        for (JsonNode bucket : response.path("aggregations").path("hosts").path("buckets")) {
            JsonNode newest = bucket.path("newest").path("value");
            if (newest.isNumber()) {
                seen.put(bucket.path("key").asText(), Instant.ofEpochMilli(newest.asLong()));
            }
        }
        return seen;
    }

    /** The later of two times, either of which may be unknown. */
    static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().isAfter(b.get()) ? a : b;
    }

    private static Agent agent(String host, List<Registration> registrations, List<String> knownWorkers,
                               List<TaskStatus> statuses, Optional<Instant> lastSeen, Map<String, Long> current,
                               Instant now) {
        Map<String, List<TaskStatus>> byWorker = new HashMap<>();
        statuses.forEach(s -> byWorker.computeIfAbsent(s.workerId(), w -> new ArrayList<>()).add(s));
        List<Agent.PolicyRevision> applied = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        String role = "";
        String version = "";
        TreeSet<String> gone = new TreeSet<>(knownWorkers);
        for (Registration registration : registrations) {
            gone.remove(registration.id());
            workers.add(Worker.registered(registration, byWorker.getOrDefault(registration.id(), List.of()), now));
            role = registration.role() == null ? role : registration.role();
            version = registration.version() == null ? version : registration.version();
            registration.keys().forEach((key, revision) -> {
                String policy = key.endsWith(POLICY_KEY_SUFFIX) ? key.substring(0, key.length()
                        - POLICY_KEY_SUFFIX.length()) : key;
                policy = policy.substring(policy.lastIndexOf('/') + 1);
                Optional<String> refused = Optional.ofNullable(registration.refused().get(key))
                        .map(Registration.Refused::problem);
                applied.add(new Agent.PolicyRevision(policy, revision.modRevision(),
                        current.getOrDefault(key, 0L), refused));
            });
        }
        for (String id : gone) {
            workers.add(Worker.offline(id, byWorker.getOrDefault(id, List.of()), lastSeen));
        }
        if (registrations.isEmpty() && knownWorkers.isEmpty()) {
            // a host known from before workers were remembered: its records still say what it ran
            byWorker.forEach((id, own) -> workers.add(Worker.offline(id, own, lastSeen)));
        }
        AgentState state = registrations.isEmpty() ? AgentState.OFFLINE : workers.stream().map(Worker::state)
                .reduce(AgentState.ONLINE, AgentState::worse);
        if (version.isEmpty()) {
            version = statuses.stream().map(TaskStatus::version).filter(v -> !v.isEmpty()).findFirst().orElse("");
        }
        Optional<Instant> seen = registrations.isEmpty()
                ? workers.stream().flatMap(w -> w.lastSeen().stream()).max(Comparator.naturalOrder()).or(() -> lastSeen)
                : Optional.of(now);
        return new Agent(host, state, List.copyOf(workers), role, version, seen, applied);
    }
}
