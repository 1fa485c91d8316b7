package io.logcollect.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A KRaft cluster of several nodes, each a combined broker and controller in its own JVM (1 GiB heap each, about
 * 20 s to start three on two cores), all three controllers voting. Topics get as many replicas as there are
 * nodes, up to three, and {@code min.insync.replicas=2}: the settings production runs, so a test can kill the
 * leader of a partition and see what users would see.
 */
public final class KafkaCluster {

    private final List<KafkaBroker> nodes;
    private final KafkaBroker clients;

    private KafkaCluster(List<KafkaBroker> nodes, KafkaBroker clients) {
        this.nodes = nodes;
        this.clients = clients;
    }

    /** Formats and starts {@code size} nodes on free ports and waits until every one of them is a broker. */
    public static KafkaCluster start(int size) {
        String clusterId = Uuid.randomUuid().toString();
        int[] ports = new int[size];
        int[] controllerPorts = new int[size];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports[i] = Ports.free();
            controllerPorts[i] = Ports.free();
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        int replicas = Math.min(3, size);
        List<KafkaBroker> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new KafkaBroker(Workspace.newDirectory("kafka-" + (i + 1)), i + 1, ports[i],
                    controllerPorts[i], String.join(",", voters), clusterId, replicas));
        }
        nodes.forEach(KafkaBroker::launch);
        String bootstrap = nodes.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
        KafkaCluster cluster = new KafkaCluster(List.copyOf(nodes), KafkaBroker.clients(bootstrap, replicas));
        cluster.awaitBrokers(size, Duration.ofMinutes(2));
        return cluster;
    }

    /** The cluster as clients see it: what workers, producers and topic helpers are given. */
    public KafkaBroker clients() {
        return clients;
    }

    public String bootstrapServers() {
        return clients.bootstrapServers();
    }

    /** Node {@code id} (1-based, as in {@code node.id}). */
    public KafkaBroker node(int id) {
        return nodes.get(id - 1);
    }

    public List<KafkaBroker> nodes() {
        return nodes;
    }

    /** The {@code node.id} of the current leader of a partition; fails if it has none within 30 s. */
    public int leaderOf(String topic, int partition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = clients.admin()) {
            while (System.nanoTime() < deadline) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(20, TimeUnit.SECONDS).get(topic);
                Node leader = description.partitions().get(partition).leader();
                if (leader != null && !leader.isEmpty()) {
                    return leader.id();
                }
                ServiceProcess.sleep(200);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        }
        throw new IllegalStateException("partition " + partition + " of " + topic + " has no leader");
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Admin admin = clients.admin()) {
                if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                    return;
                }
            } catch (Exception e) {
                // not up yet
            }
            ServiceProcess.sleep(500);
        }
        throw new IllegalStateException("the Kafka cluster at " + bootstrapServers() + " has not " + count
                + " brokers after " + timeout.toSeconds() + " s; last lines of node 1:\n"
                + nodes.get(0).logTail(20));
    }

    /** The replicas of a partition that are in sync now. */
    public List<Integer> inSyncReplicas(String topic, int partition) {
        try (Admin admin = clients.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic)
                    .partitions().get(partition).isr().stream().map(Node::id).toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        }
    }

    /**
     * Waits until every replica of every partition is in sync again, as an operator does before restarting the next
     * node in a rolling restart: with {@code min.insync.replicas=2}, stopping a second node before then would stop
     * writes to the partitions it leaves with one replica in sync.
     */
    public void awaitFullyReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lagging = List.of();
        try (Admin admin = clients.admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                            .get(10, TimeUnit.SECONDS);
                    lagging = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                            .flatMap(topic -> topic.partitions().stream()
                                    .filter(partition -> partition.isr().size() < partition.replicas().size())
                                    .map(partition -> topic.name() + "-" + partition.partition()))
                            .toList();
                    if (lagging.isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    lagging = List.of("(cluster not answering: " + e + ")");
                }
                ServiceProcess.sleep(500);
            }
        }
        throw new IllegalStateException("partitions still under-replicated after " + timeout.toSeconds() + " s: "
                + lagging);
    }

    /** Stops every node at once: one by one, the last would wait for a quorum that is gone. */
    public void stop() {
        ServiceProcess.inParallel(nodes, KafkaBroker::stop);
    }
}
