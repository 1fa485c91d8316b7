package io.logcollect.console.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.logcollect.console.agents.AgentState;
import io.logcollect.console.agents.KnownHosts;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.SearchNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A simulated fleet on real etcd and a real search node: hosts with two agent workers each, registered with real
 * leases kept alive every 5 s, and status records written every 10 s as agents write them; each host in the state
 * it is given ({@code online}, {@code stale}: status records stopped, {@code failed}: a FAILED task,
 * {@code output-blocked}: the registry says so, {@code offline}: known, not registered). Hosts are named
 * {@code <prefix>-0001} on.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final long INTERVAL_MS = 10_000;
    private static final String CONNECTOR = "logcollect-agent";

    private final EtcdStore etcd;
    private final SearchNode search;
    private final String statusIndex;
    private final Map<String, AgentState> hosts = new LinkedHashMap<>();
    private final List<Long> leases = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public FleetSimulator(EtcdStore etcd, SearchNode search, String statusIndex) {
        this.etcd = etcd;
        this.search = search;
        this.statusIndex = statusIndex;
        search.http().put("/" + statusIndex, Map.of("mappings", IndexTemplates.logMapping()));
    }

    /** Adds {@code count} hosts in {@code state}, named from {@code prefix} on; returns their names. */
    public List<String> add(String prefix, int count, AgentState state) throws JsonProcessingException {
        List<String> names = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            String host = String.format("%s-%04d", prefix, hosts.size() + 1);
            hosts.put(host, state);
            names.add(host);
            etcd.apply(List.of(new Mutation.Put(KnownHosts.PREFIX + host, HttpJson.MAPPER.writeValueAsString(Map.of(
                    "host", host, "first_seen", now.minusSeconds(86_400).toString(), "last_seen",
                    now.minusSeconds(state == AgentState.OFFLINE ? 600 : 0).toString(),
                    "workers", List.of(workerId(host, 1), workerId(host, 2)))))));
            if (state != AgentState.OFFLINE) {
                long lease = etcd.grantLease(15);
                leases.add(lease);
                for (int worker = 1; worker <= 2; worker++) {
                    etcd.putWithLease(Registration.PREFIX + workerId(host, worker),
                            registration(host, worker, state, now).toJson(), lease);
                }
            }
        }
        writeStatuses(names, now, true);
        return names;
    }

    /** Keeps the leases alive and the status records coming, as agents do. */
    public void run() {
        timer.scheduleAtFixedRate(() -> {
            leases.forEach(etcd::keepAliveOnce);
        }, 5, 5, TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(() -> writeStatuses(List.copyOf(hosts.keySet()), Instant.now(), false),
                INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public int size() {
        return hosts.size();
    }

    private static String workerId(String host, int worker) {
        return host + ":" + (8082 + worker);
    }

    private static Registration registration(String host, int worker, AgentState state, Instant now) {
        List<Registration.TaskState> tasks = List.of(
                new Registration.TaskState(CONNECTOR, -1, "RUNNING"),
                new Registration.TaskState(CONNECTOR, 0, "RUNNING"),
                new Registration.TaskState(CONNECTOR, 1, state == AgentState.FAILED && worker == 2 ? "FAILED"
                        : "RUNNING"));
        Registration.Output output = new Registration.Output(state == AgentState.OUTPUT_BLOCKED
                ? now.minusSeconds(120).toString() : null, 0, 0, 0);
        return new Registration(workerId(host, worker), host, "agent", "0.1.0", now.minusSeconds(3600).toString(),
                null, Map.of("/logcollect/policies/web/entries", new Registration.Applied(7, now.toString())), null,
                tasks, output, now.toString());
    }

    /**
     * A status record of every task of these hosts: at {@code now} for hosts that report, and, the first time, ten
     * minutes old for the stale and offline ones (their last records before they stopped).
     */
    private void writeStatuses(List<String> names, Instant now, boolean first) {
        StringBuilder bulk = new StringBuilder();
        for (String host : names) {
            AgentState state = hosts.get(host);
            boolean reports = state == AgentState.ONLINE || state == AgentState.FAILED;
            if (!reports && !first) {
                continue;
            }
            Instant time = reports ? now : now.minusSeconds(600);
            for (int worker = 1; worker <= 2; worker++) {
                for (int task = 0; task <= 1; task++) {
                    bulk.append("{\"index\":{\"_index\":\"").append(statusIndex).append("\"}}\n")
                            .append("{\"@timestamp\":\"").append(time).append("\",\"host\":{\"name\":\"").append(host)
                            .append("\"},\"agent\":{\"id\":\"").append(workerId(host, worker)).append('/')
                            .append(CONNECTOR).append('-').append(task).append("\",\"version\":\"0.1.0\"},")
                            .append("\"event\":{\"dataset\":\"logcollect.status\"},\"logcollect\":{\"status\":{")
                            .append("\"policy\":\"web\",\"interval_ms\":").append(INTERVAL_MS)
                            .append(",\"files\":{\"tracked\":3,\"open\":3},\"bytes_behind\":0,\"lines\":10000}}}\n");
                }
            }
        }
        if (bulk.length() > 0) {
            search.bulk(bulk.toString());
            search.refresh(statusIndex);
        }
    }

    /** Ends the leases and forgets the simulated hosts. */
    @Override
    public void close() {
        timer.shutdownNow();
        leases.forEach(etcd::revokeLease);
        hosts.keySet().forEach(host -> etcd.apply(List.of(new Mutation.Delete(KnownHosts.PREFIX + host))));
    }
}
