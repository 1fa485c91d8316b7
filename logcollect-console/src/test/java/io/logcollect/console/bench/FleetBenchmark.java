package io.logcollect.console.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.logcollect.console.ConsoleSettings;
import io.logcollect.console.agents.AgentState;
import io.logcollect.console.alerts.AlertSettings;
import io.logcollect.console.fleet.FleetSimulator;
import io.logcollect.console.ConsoleServer;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bin/benchmark fleet [hosts] [requests]}: the agents page, one filtered page and {@code /metrics} for a
 * simulated fleet (two workers a host, real leases in etcd, status records every 10 s in OpenSearch, a tenth of
 * the hosts in each non-online state), at a tenth of the size and at full size in the same process: time per
 * request (median, p95) and the ratio between the two sizes.
 */
public final class FleetBenchmark {

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        SearchNode search = TestServices.opensearch();
        EtcdServer etcdServer = TestServices.etcd();
        EtcdStore etcd = new EtcdStore(EtcdSettings.fromParameters(Map.of("endpoints", etcdServer.endpoint())));
        Path users = Workspace.newDirectory("bench-fleet").resolve("users");
        Files.writeString(users, "bench:viewer:" + BCrypt.withDefaults().hashToString(4, "bench".toCharArray()) + "\n");
        ConsoleServer console = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcdServer.endpoint())), "/logcollect/policies",
                List.of(), new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 60_000,
                        8, null, null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*", Optional.empty(),
                Optional.empty(), "logcollect-sink", "logcollect-dlq", AlertSettings.defaults(), null, false));
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        ConsoleBenchmark.logIn(http, console.url());

        try (FleetSimulator fleet = new FleetSimulator(etcd, search, "logcollect-status-bench")) {
            fleet.run();
            double[][] small = measureAt(fleet, hosts / 10, http, console.url(), requests);
            double[][] large = measureAt(fleet, hosts, http, console.url(), requests);
            System.out.printf("%n== fleet benchmark: the console over %d and %d simulated hosts (2 workers each),"
                    + " %d requests each, one OpenSearch node, one etcd ==%n", hosts / 10, hosts, requests);
            String[] what = {"agents page (all)", "agents page (state=failed)", "/metrics"};
            for (int i = 0; i < what.length; i++) {
                System.out.printf("%-28s: %5d hosts %6.1f ms median, p95 %6.1f ms | %5d hosts %6.1f ms median, p95"
                                + " %6.1f ms | ratio %.1fx for %dx the hosts%n", what[i], hosts / 10, small[i][0],
                        small[i][1], hosts, large[i][0], large[i][1], large[i][0] / small[i][0], 10);
            }
        }
        console.stop();
        etcd.close();
    }

    /** Grows the fleet to {@code size} hosts and times the pages: [page][median, p95] in ms. */
    private static double[][] measureAt(FleetSimulator fleet, int size, HttpClient http, String base, int requests)
            throws Exception {
        int missing = size - fleet.size();
        int each = missing / 10;
        for (AgentState state : List.of(AgentState.STALE, AgentState.FAILED, AgentState.OUTPUT_BLOCKED,
                AgentState.OFFLINE)) {
            fleet.add("bench", each, state);
        }
        fleet.add("bench", size - fleet.size(), AgentState.ONLINE);
        String[] paths = {"/agents", "/agents?state=failed", "/metrics"};
        double[][] figures = new double[paths.length][];
        for (int i = 0; i < paths.length; i++) {
            for (int warm = 0; warm < 10; warm++) {
                get(http, base + paths[i]);
            }
            List<Double> times = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                long started = System.nanoTime();
                get(http, base + paths[i]);
                times.add((System.nanoTime() - started) / 1e6);
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            figures[i] = new double[]{sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1]};
        }
        return figures;
    }

    private static void get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
    }
}
