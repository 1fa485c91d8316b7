package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An OpenSearch cluster of several nodes, each in its own JVM (512 MiB heap), every one eligible as cluster
 * manager and holding data, so that killing any one of three leaves a quorum and the replicas of its shards.
 * The nodes start together: none can elect a cluster manager alone.
 */
public final class OpenSearchCluster {

    private final List<OpenSearchNode> nodes;

    private OpenSearchCluster(List<OpenSearchNode> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code size} nodes on free ports and waits until they form one cluster. */
    public static OpenSearchCluster start(int size) {
        List<String> names = new ArrayList<>();
        List<String> transports = new ArrayList<>();
        List<Integer> httpPorts = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            names.add("os-" + i);
            httpPorts.add(Ports.free());
            transports.add("127.0.0.1:" + Ports.free());
        }
        List<OpenSearchNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("node.name", names.get(i));
            settings.put("http.port", String.valueOf(httpPorts.get(i)));
            settings.put("transport.port", transports.get(i).substring(transports.get(i).indexOf(':') + 1));
            settings.put("discovery.type", "zen");
            settings.put("discovery.seed_hosts", String.join(",", transports));
            settings.put("cluster.initial_cluster_manager_nodes", String.join(",", names));
            nodes.add(OpenSearchNode.clusterNode(settings, "512m"));
        }
        OpenSearchCluster cluster = new OpenSearchCluster(List.copyOf(nodes));
        try {
            ServiceProcess.inParallel(nodes, SearchNode::startProcess);
            cluster.awaitNodes(size, Duration.ofMinutes(2));
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
        return cluster;
    }

    public List<OpenSearchNode> nodes() {
        return nodes;
    }

    /** Node {@code number}, 1-based as in its name {@code os-<number>}. */
    public OpenSearchNode node(int number) {
        return nodes.get(number - 1);
    }

    /** A node that is running, to send requests to. */
    public OpenSearchNode anyRunning() {
        return nodes.stream().filter(SearchNode::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
    }

    /** Every node's URL, comma-separated: what the sink's {@code connection.url} takes. */
    public String urls() {
        return nodes.stream().map(SearchNode::url).collect(Collectors.joining(","));
    }

    /** The number (1-based) of the node holding the primary of shard 0 of {@code index}; 0 if none is started. */
    public int primaryHolderOf(String index) {
        JsonNode shards = anyRunning().http().get("/_cat/shards/" + index + "?format=json&h=shard,prirep,state,node")
                .expectOk();
        for (JsonNode shard : shards) {
            if (shard.path("shard").asText().equals("0") && shard.path("prirep").asText().equals("p")
                    && shard.path("state").asText().equals("STARTED")) {
                String name = shard.path("node").asText();
                return Integer.parseInt(name.substring(name.indexOf('-') + 1));
            }
        }
        return 0;
    }

    /** Waits until {@code count} nodes are in the cluster and every shard is assigned (green). */
    public void awaitNodes(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpJson.Response health = anyRunning().http().get("/_cluster/health?wait_for_nodes=" + count
                        + "&wait_for_status=green&timeout=5s");
                if (health.ok()) {
                    return;
                }
            } catch (RuntimeException e) {
                // a node that was just killed may still be the one asked
            }
            ServiceProcess.sleep(500);
        }
        throw new IllegalStateException("the OpenSearch cluster has not " + count + " nodes and green health after "
                + timeout.toSeconds() + " s; last lines of os-1:\n" + nodes.get(0).process().logTail(20));
    }

    /** Stops every node at once. */
    public void stop() {
        ServiceProcess.inParallel(nodes, SearchNode::stop);
    }
}
