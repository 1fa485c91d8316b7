package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Every agent, from two sources (DESIGN.md section 9): the registry in etcd says who is online and which policy
 * revisions each applied; the status records in the index say how each tail task is doing, and, for a host no
 * longer in the registry, when it was last seen.
 */
public final class AgentDirectory {

    /** How far back status records make a host known (offline once its registration is gone). */
    static final Duration REMEMBERED = Duration.ofDays(7);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String POLICY_KEY_SUFFIX = "/entries";

    private final PolicyStore policies;
    private final RestClient client;
    private final String statusIndex;
    private final HostCharts charts;

    public AgentDirectory(PolicyStore policies, RestClient client, String statusIndex, String metricsIndex) {
        this.policies = policies;
        this.client = client;
        this.statusIndex = statusIndex;
        this.charts = new HostCharts(client, metricsIndex);
    }

    /** Every host with an agent, online ones first, then by name. */
    public List<Agent> list() throws IOException {
        Map<String, List<Registration>> registered = new TreeMap<>();
        for (Registration registration : policies.agents()) {
            registered.computeIfAbsent(registration.host(), h -> new ArrayList<>()).add(registration);
        }
        Map<String, Long> current = new HashMap<>();
        for (PolicySummary summary : policies.list()) {
            current.put(policies.entriesKey(summary.name()), summary.modRevision());
        }
        Map<String, List<TaskStatus>> statuses = latestStatuses();
        TreeSet<String> hosts = new TreeSet<>(registered.keySet());
        hosts.addAll(statuses.keySet());
        List<Agent> agents = new ArrayList<>();
        for (String host : hosts) {
            agents.add(agent(host, registered.getOrDefault(host, List.of()), statuses.getOrDefault(host, List.of()),
                    current));
        }
        agents.sort(Comparator.comparing((Agent a) -> !a.online()).thenComparing(Agent::host));
        return agents;
    }

    public Optional<Agent> agent(String host) throws IOException {
        return list().stream().filter(a -> a.host().equals(host)).findFirst();
    }

    /** The host's metrics over time for its charts (see {@link HostCharts}). */
    public Map<String, Object> metrics(String host, Instant from, Instant to, String device, String network)
            throws IOException {
        return charts.series(host, from, to, device, network);
    }

    /** The newest status of every tail task that wrote one recently, by host. */
    private Map<String, List<TaskStatus>> latestStatuses() throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        body.putObject("query").putObject("range").putObject("@timestamp")
                .put("gte", Instant.now().minus(REMEMBERED).toEpochMilli()).put("format", "epoch_millis");
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

    private static Agent agent(String host, List<Registration> registrations, List<TaskStatus> tasks,
                               Map<String, Long> current) {
        List<Agent.PolicyRevision> applied = new ArrayList<>();
        String role = "";
        String version = "";
        List<String> workers = new ArrayList<>();
        for (Registration registration : registrations) {
            workers.add(registration.id());
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
        if (version.isEmpty() && !tasks.isEmpty()) {
            version = tasks.get(0).version();
        }
        Optional<Instant> lastSeen = tasks.stream().map(TaskStatus::time).max(Comparator.naturalOrder());
        return new Agent(host, !registrations.isEmpty(), workers, role, version, lastSeen, applied, tasks);
    }
}
