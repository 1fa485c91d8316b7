package io.logcollect.console.prometheus;

import io.javalin.http.Context;
import io.logcollect.console.agents.Agent;
import io.logcollect.console.agents.AgentDirectory;
import io.logcollect.console.agents.AgentState;
import io.logcollect.console.alerts.AlertBook;
import io.logcollect.console.alerts.AlertRule;
import io.logcollect.console.alerts.AlertStore;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the fleet as the agents and Alerts pages see it, in Prometheus' text format, for those who
 * watch with Prometheus and Grafana (DESIGN.md section 10). One series per host and state, so a dashboard can count
 * and list hosts by state, and per host the numbers of its row.
 */
public final class FleetMetrics {

    private final AgentDirectory agents;
    private final AlertStore alerts;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public FleetMetrics(AgentDirectory agents, AlertStore alerts) {
        this.agents = agents;
        this.alerts = alerts;
    }

    public void scrape(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, snapshots(agents.list(), alerts.load()));
        ctx.contentType(writer.getContentType()).result(out.toByteArray());
    }

    static MetricSnapshots snapshots(List<Agent> hosts, AlertBook book) {
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("logcollect_host_state")
                .help("1 for the state each host is in (online, stale, output-blocked, offline, failed)");
        for (Agent agent : hosts) {
            counts.merge(agent.state(), 1, Integer::sum);
            state.dataPoint(point(1, "host", agent.host(), "state", agent.state().key()));
        }
        GaugeSnapshot.Builder byState = GaugeSnapshot.builder().name("logcollect_hosts")
                .help("Hosts with an agent, by state");
        for (AgentState each : AgentState.values()) {
            byState.dataPoint(point(counts.getOrDefault(each, 0), "state", each.key()));
        }
        Map<String, Integer> firing = new TreeMap<>();
        for (AlertRule rule : AlertRule.values()) {
            firing.put(rule.key(), 0);
        }
        book.alerts().stream().filter(AlertBook.Alert::firing).forEach(a -> firing.merge(a.rule(), 1, Integer::sum));
        GaugeSnapshot.Builder alerting = GaugeSnapshot.builder().name("logcollect_alerts_firing")
                .help("Alerts firing now, by rule");
        firing.forEach((rule, count) -> alerting.dataPoint(point(count, "rule", rule)));
        return MetricSnapshots.of(byState.build(), state.build(),
                perHost(hosts, "logcollect_host_files_tracked", "Files its tail tasks track", Agent::filesTracked),
                perHost(hosts, "logcollect_host_bytes_behind", "Bytes of its files not read yet", Agent::bytesBehind),
                perHost(hosts, "logcollect_host_lines_per_second", "Lines read per second, from its newest status",
                        Agent::linesPerSecond),
                perHost(hosts, "logcollect_host_lines_lost", "Lines its tail tasks let go unread since they started"
                        + " (DESIGN.md section 4)", Agent::lostLines),
                perHost(hosts, "logcollect_host_errors", "Errors its tail tasks counted since they started",
                        Agent::errors),
                perHost(hosts, "logcollect_host_last_seen_timestamp_seconds", "When it was last known alive",
                        agent -> agent.lastSeen().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0)),
                alerting.build());
    }

    private static GaugeSnapshot perHost(List<Agent> hosts, String name, String help, ToDoubleFunction<Agent> value) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        hosts.forEach(agent -> gauge.dataPoint(point(value.applyAsDouble(agent), "host", agent.host())));
        return gauge.build();
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}
