package io.logcollect.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.EtcdCluster;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.KafkaCluster;
import io.logcollect.testkit.OpenSearchCluster;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.Workspace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on clusters: three Kafka nodes (replication factor 3, {@code min.insync.replicas=2}), three central
 * Connect workers in one group and three OpenSearch nodes (one replica per shard), with the shipped agent and
 * central configs, under a steady load of log lines while a node is killed or every node is restarted in turn:
 * every line must end up searchable exactly once, which is checked line by line (by byte offset) in the index.
 */
class ClusterFailoverIT {

    /** Fixed-width lines, so line n starts at byte n * LINE_BYTES. */
    private static final int LINE_BYTES = 32;
    /** Written at 5,000 lines/s: 12 s of load, so that each fault hits a running stream. */
    private static final int LINES = 60_000;

    private static KafkaCluster kafka;
    private static EtcdCluster etcd;
    private static OpenSearchCluster search;
    /** Three central workers in one group, as shipped. */
    private static List<ConnectWorker> central;

    @BeforeAll
    static void startCluster() {
        long start = System.nanoTime();
        kafka = KafkaCluster.start(3);
        long kafkaStarted = System.nanoTime();
        etcd = EtcdCluster.start(3);
        long etcdStarted = System.nanoTime();
        search = OpenSearchCluster.start(3);
        long searchStarted = System.nanoTime();
        String group = "central-" + UUID.randomUUID().toString().substring(0, 8);
        central = List.of(centralWorker(group), centralWorker(group), centralWorker(group));
        long end = System.nanoTime();
        System.out.printf("clusters started: 3 Kafka nodes in %.1f s, 3 etcd members in %.1f s, 3 OpenSearch nodes"
                        + " in %.1f s, 3 central workers in %.1f s%n", (kafkaStarted - start) / 1e9,
                (etcdStarted - kafkaStarted) / 1e9, (searchStarted - etcdStarted) / 1e9, (end - searchStarted) / 1e9);
    }

    private static ConnectWorker centralWorker(String group) {
        return ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka.clients()).groupId(group),
                "central-distributed.properties").start();
    }

    @AfterAll
    static void stopCluster() {
        central.forEach(ConnectWorker::stop);
        search.stop();
        etcd.stop();
        kafka.stop();
    }

    @Test
    void killMinus9OfThePartitionLeaderUnderLoadLosesAndDuplicatesNoLine() throws Exception {
        Pipeline pipeline = Pipeline.start("failover-broker", Map.of());
        try {
            // 5,000 lines/s for 12 s, so that the kill and the election happen while lines keep coming
            LoadWriter writer = LoadWriter.start(pipeline.file(), LINES, 500);
            awaitInKafka(pipeline.topic(), LINES / 4, Duration.ofMinutes(2));
            int leader = kafka.leaderOf(pipeline.topic(), 0);
            long atKill = endOffset(pipeline.topic());
            long killed = System.nanoTime();
            kafka.node(leader).kill();
            awaitInKafka(pipeline.topic(), atKill + 1, Duration.ofMinutes(2));
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            int newLeader = kafka.leaderOf(pipeline.topic(), 0);
            writer.awaitEnd();
            kafka.node(leader).startProcess();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (kafka.inSyncReplicas(pipeline.topic(), 0).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertEquals(3, kafka.inSyncReplicas(pipeline.topic(), 0).size(), "the restarted node did not catch up");
            LineCheck check = LineCheck.of(search, pipeline.topic() + "-*", LINES, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("broker leader kill: node %d killed (leader now %d), Kafka took lines again after %.1f s,"
                            + " all %,d lines searchable %.1f s after the kill; missing %d, duplicated %d%n",
                    leader, newLeader, recoverySeconds, LINES, (System.nanoTime() - killed) / 1e9, check.missing(),
                    check.duplicated());
            assertTrue(newLeader != leader, "the leadership did not move");
            check.assertExactlyOnce(LINES);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void killMinus9OfTheCentralWorkerRunningTheSinkTaskUnderLoadLosesAndDuplicatesNoLine() throws Exception {
        // one sink task, so that the kill certainly hits the worker that holds the partition mid-batch
        Pipeline pipeline = Pipeline.start("failover-worker", Map.of("tasks.max", "1"));
        try {
            LoadWriter writer = LoadWriter.start(pipeline.file(), LINES, 500);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (search.anyRunning().count(pipeline.topic() + "-*") < LINES / 8 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            ConnectWorker running = workerRunningTask(pipeline.sink(), central.get(0));
            ConnectWorker survivor = central.stream().filter(worker -> worker != running).findFirst().orElseThrow();
            long killed = System.nanoTime();
            running.kill();
            ConnectWorker next = running;
            while (next == running || next == null) {
                Thread.sleep(200);
                next = workerRunningTask(pipeline.sink(), survivor);
                if (System.nanoTime() > deadline + TimeUnit.MINUTES.toNanos(2)) {
                    throw new AssertionError("the sink task did not move to another worker");
                }
            }
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            writer.awaitEnd();
            running.startProcess();
            LineCheck check = LineCheck.of(search, pipeline.topic() + "-*", LINES, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("central worker kill: the sink task ran again on another worker after %.1f s, all %,d"
                            + " lines searchable %.1f s after the kill; missing %d, duplicated %d%n",
                    recoverySeconds, LINES, (System.nanoTime() - killed) / 1e9, check.missing(), check.duplicated());
            check.assertExactlyOnce(LINES);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void killMinus9OfTheSearchNodeHoldingThePrimaryUnderLoadLosesAndDuplicatesNoLine() throws Exception {
        Pipeline pipeline = Pipeline.start("failover-search", Map.of());
        try {
            LoadWriter writer = LoadWriter.start(pipeline.file(), LINES, 500);
            String index = pipeline.topic() + "-*";
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (search.anyRunning().count(index) < LINES / 8 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            // the replica of the new index must have caught up: a node that dies holding the only started copy takes
            // the index down with it, whatever the sink does
            search.anyRunning().http().get("/_cluster/health/" + index + "?wait_for_status=green&timeout=60s")
                    .expectOk();
            int holder = search.primaryHolderOf(index);
            assertTrue(holder > 0, "no started primary for " + index);
            search.node(holder).refresh(index);
            long searchableAtKill = search.node(holder).count(index);
            long killed = System.nanoTime();
            search.node(holder).kill();
            while (search.anyRunning().count(index) <= searchableAtKill) {
                if (System.nanoTime() > killed + TimeUnit.MINUTES.toNanos(2)) {
                    throw new AssertionError("nothing more was indexed in the 2 minutes after the kill");
                }
                Thread.sleep(200);
            }
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            int newHolder = search.primaryHolderOf(index);
            writer.awaitEnd();
            search.node(holder).startProcess();
            search.awaitNodes(3, Duration.ofMinutes(3));
            LineCheck check = LineCheck.of(search, index, LINES, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("search node kill: os-%d holding the primary killed (primary now on os-%d), documents"
                            + " indexed again after %.1f s, all %,d lines searchable %.1f s after the kill; missing %d,"
                            + " duplicated %d%n", holder, newHolder, recoverySeconds, LINES,
                    (System.nanoTime() - killed) / 1e9, check.missing(), check.duplicated());
            assertTrue(newHolder > 0 && newHolder != holder, "the replica was not promoted");
            check.assertExactlyOnce(LINES);
        } finally {
            pipeline.stop();
        }
    }

    /**
     * What an upgrade does: each central worker stopped and started again in turn, waiting for the sink to run
     * again, then each broker, waiting until every partition is fully replicated again, while lines keep coming.
     */
    @Test
    void aRollingRestartOfEveryCentralWorkerAndEveryBrokerLosesAndDuplicatesNoLine() throws Exception {
        Pipeline pipeline = Pipeline.start("rolling-restart", Map.of());
        try {
            // 2,000 lines/s for as long as the restarts take
            LoadWriter writer = LoadWriter.start(pipeline.file(), Integer.MAX_VALUE, 200);
            awaitInKafka(pipeline.topic(), 2_000, Duration.ofMinutes(2));
            long started = System.nanoTime();
            for (ConnectWorker worker : central) {
                worker.stop();
                worker.startProcess();
                awaitSinkRunning(pipeline.sink(), Duration.ofMinutes(2));
            }
            double workersSeconds = (System.nanoTime() - started) / 1e9;
            for (KafkaBroker node : kafka.nodes()) {
                node.stop();
                node.startProcess();
                kafka.awaitFullyReplicated(Duration.ofMinutes(2));
            }
            double allSeconds = (System.nanoTime() - started) / 1e9;
            int lines = writer.stop();
            LineCheck check = LineCheck.of(search, pipeline.topic() + "-*", lines, LINE_BYTES, Duration.ofMinutes(4));
            System.out.printf("rolling restart: 3 central workers in %.1f s, then 3 brokers (all done %.1f s after the"
                            + " first stop), %,d lines written meanwhile, all searchable %.1f s after the start;"
                            + " missing %d, duplicated %d%n", workersSeconds, allSeconds, lines,
                    (System.nanoTime() - started) / 1e9, check.missing(), check.duplicated());
            check.assertExactlyOnce(lines);
        } finally {
            pipeline.stop();
        }
    }

    /**
     * Two agents run one policy, as two servers with the same log paths would (here the same files, told apart by
     * {@code host.name}). The policy gains an entry for a second file, and the etcd leader is killed as soon as the
     * change is committed: both agents must apply it (the registry shows its revision) within seconds of the new
     * leader, and every line of both files must be searchable exactly once per agent.
     */
    @Test
    void killMinus9OfTheEtcdLeaderDuringAPolicyChangeAppliesItOnceOnEveryAgent() throws Exception {
        String policy = "failover-etcd";
        String topic = "failover_etcd";
        int addedLines = 5_000;
        kafka.clients().createTopic(topic, 1);
        Path logs = Workspace.newDirectory(policy);
        Path busy = logs.resolve("busy.log");
        Path added = logs.resolve("added.log");
        Files.writeString(busy, "");
        Files.writeString(added, "");
        LoadWriter.start(added, addedLines, addedLines).awaitEnd();
        String key = "/logcollect/policies/" + policy + "/entries";
        long before = etcd.anyRunning().put(key, entries(topic, busy));
        String sink = policy + "-sink";
        central.get(0).putConnector(sink, ShippedConfigs.sink(search.urls(), topic));
        List<String> hosts = List.of("server-a", "server-b");
        List<ConnectWorker> agents = hosts.stream().map(host -> startAgent(policy, logs, Map.of("host.name", host)))
                .toList();
        try {
            awaitApplied(key, agents, before, System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
            LoadWriter writer = LoadWriter.start(busy, LINES / 2, 250);
            awaitInKafka(topic, 2_000, Duration.ofMinutes(2));
            EtcdServer leader = etcd.leader(Duration.ofSeconds(10));
            long revision = leader.put(key, entries(topic, busy, added));
            long killed = System.nanoTime();
            leader.kill();
            EtcdServer newLeader = etcd.leader(Duration.ofSeconds(30));
            double electedSeconds = (System.nanoTime() - killed) / 1e9;
            awaitApplied(key, agents, revision, killed + TimeUnit.MINUTES.toNanos(1));
            double appliedSeconds = (System.nanoTime() - killed) / 1e9;
            int busyLines = writer.awaitEnd();
            leader.startProcess();
            String index = topic + "-*";
            StringBuilder figures = new StringBuilder();
            for (String host : hosts) {
                LineCheck busyCheck = LineCheck.of(search, index, fileOfHost(host, busy), busyLines, LINE_BYTES,
                        Duration.ofMinutes(3));
                LineCheck addedCheck = LineCheck.of(search, index, fileOfHost(host, added), addedLines, LINE_BYTES,
                        Duration.ofMinutes(3));
                figures.append(String.format("; %s: busy.log missing %d, duplicated %d, added.log missing %d,"
                                + " duplicated %d", host, busyCheck.missing(), busyCheck.duplicated(),
                        addedCheck.missing(), addedCheck.duplicated()));
                busyCheck.assertExactlyOnce(busyLines);
                addedCheck.assertExactlyOnce(addedLines);
            }
            for (ConnectWorker agent : agents) {
                // the provider's own line for each restart it asks of its worker: one change, one restart
                long restarts = Files.readAllLines(agent.process().logFile(), StandardCharsets.ISO_8859_1).stream()
                        .filter(line -> line.contains("Restarting connector '" + policy + "-agent'")).count();
                assertEquals(1, restarts, "restarts of the agent's connector for one change");
            }
            System.out.printf("etcd leader kill: %s killed right after the change (revision %d) was committed, %s"
                            + " leads after %.1f s, both agents applied the change %.1f s after the kill%s%n",
                    leader.endpoint(), revision, newLeader.endpoint(), electedSeconds, appliedSeconds, figures);
        } finally {
            agents.forEach(ConnectWorker::stop);
            central.stream().filter(ConnectWorker::isRunning).findFirst().orElseThrow().deleteConnector(sink);
        }
    }

    /** Waits until every agent serves revision {@code revision} of {@code key}, failing at {@code deadline}. */
    private static void awaitApplied(String key, List<ConnectWorker> agents, long revision, long deadline)
            throws InterruptedException {
        while (appliedRevisions(key, agents).stream().anyMatch(applied -> applied != revision)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("revision " + revision + " of " + key + " is not applied on every agent:"
                        + " they serve " + appliedRevisions(key, agents));
            }
            Thread.sleep(100);
        }
    }

    /** The revision of {@code key} each agent last served to its connectors, from its entry in the registry. */
    private static List<Long> appliedRevisions(String key, List<ConnectWorker> agents) {
        Map<String, String> registry = etcd.anyRunning().getPrefix("/logcollect/agents/");
        return agents.stream().map(agent -> registry.values().stream().map(ClusterFailoverIT::json)
                .filter(entry -> entry.path("rest_url").asText().equals(agent.restUrl()))
                .mapToLong(entry -> entry.path("keys").path(key).path("mod_revision").asLong(-1))
                .findFirst().orElse(-1)).toList();
    }

    private static JsonNode json(String text) {
        try {
            return HttpJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode fileOfHost(String host, Path file) {
        ObjectNode query = HttpJson.MAPPER.createObjectNode();
        var filter = query.putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("host.name", host);
        filter.addObject().putObject("term").put("log.file.path", file.toString());
        return query;
    }

    /** Waits until every task of the sink runs, as the central workers that are up report it. */
    private static void awaitSinkRunning(String connector, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode status = central.stream().filter(ConnectWorker::isRunning).findFirst().orElseThrow()
                        .status(connector);
                JsonNode tasks = status.path("tasks");
                boolean running = tasks.size() > 0;
                for (JsonNode task : tasks) {
                    running &= task.path("state").asText().equals("RUNNING");
                }
                if (running) {
                    return;
                }
            } catch (RuntimeException e) {
                // the worker asked is still joining the group
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the tasks of " + connector + " are not all running after " + timeout.toSeconds()
                + " s");
    }

    /** The worker whose task 0 of {@code connector} is RUNNING, asked through {@code asked}; null if none is. */
    private static ConnectWorker workerRunningTask(String connector, ConnectWorker asked) {
        JsonNode task = asked.status(connector).path("tasks").path(0);
        if (!task.path("state").asText().equals("RUNNING")) {
            return null;
        }
        String workerId = task.path("worker_id").asText();
        return central.stream().filter(worker -> worker.restUrl().endsWith("//" + workerId)).findFirst()
                .orElse(null);
    }

    /**
     * One agent with the shipped configs tailing one file into a topic of its own (replication factor 3, one
     * partition, its policy in etcd), and the shipped sink reading it on the central workers.
     */
    private record Pipeline(String name, String topic, Path file, String sink, ConnectWorker agent) {

        static Pipeline start(String name, Map<String, String> sinkOverrides) throws IOException {
            String topic = name.replace('-', '_');
            kafka.clients().createTopic(topic, 1);
            Path logs = Workspace.newDirectory(name);
            Path file = logs.resolve("busy.log");
            Files.writeString(file, "");
            etcd.anyRunning().put("/logcollect/policies/" + name + "/entries", entries(topic, file));
            Map<String, String> sink = ShippedConfigs.sink(search.urls(), topic);
            sink.put("errors.deadletterqueue.topic.replication.factor", "3");
            sink.putAll(sinkOverrides);
            String sinkName = name + "-sink";
            central.get(0).putConnector(sinkName, sink);
            ConnectWorker agent = startAgent(name, logs, Map.of());
            return new Pipeline(name, topic, file, sinkName, agent);
        }

        void stop() {
            agent.stop();
            central.stream().filter(ConnectWorker::isRunning).findFirst().orElseThrow().deleteConnector(sink);
        }
    }

    /** An agent worker as shipped, on every etcd member, running the policy {@code policy} over {@code logs}. */
    private static ConnectWorker startAgent(String policy, Path logs, Map<String, String> overrides) {
        Map<String, String> config = ShippedConfigs.agent(policy, logs);
        config.putAll(overrides);
        return ShippedConfigs.withWorkerProperties(ConnectWorker.agent(kafka.clients(), etcd.endpoints()),
                "agent-standalone.properties").connector(policy + "-agent", config).start();
    }

    /** A policy's entries: one entry per file, named after it, all into {@code topic} from their first line. */
    private static String entries(String topic, Path... files) {
        StringBuilder json = new StringBuilder("[");
        for (Path file : files) {
            String id = file.getFileName().toString().replace(".log", "");
            json.append(json.length() > 1 ? "," : "").append("{\"id\":\"").append(id).append("\",\"paths\":[\"")
                    .append(file).append("\"],\"topic\":\"").append(topic).append("\",\"start_at\":\"beginning\"}");
        }
        return json.append(']').toString();
    }

    /** Appends fixed-width lines to a file, {@code perTick} every 100 ms, in a thread of its own. */
    private static final class LoadWriter {
        private final Thread thread;
        private final AtomicInteger written = new AtomicInteger();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private volatile IOException failure;

        private LoadWriter(Path file, int lines, int perTick) {
            thread = new Thread(() -> {
                try (BufferedWriter out = Files.newBufferedWriter(file, StandardOpenOption.APPEND)) {
                    while (written.get() < lines && !stopping.get()) {
                        for (int i = 0; i < perTick && written.get() < lines; i++) {
                            out.write(String.format("failover line %017d\n", written.get()));
                            written.incrementAndGet();
                        }
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException e) {
                    failure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-writer");
        }

        /** Starts writing {@code lines} lines (or until {@link #stop()}). */
        static LoadWriter start(Path file, int lines, int perTick) {
            LoadWriter writer = new LoadWriter(file, lines, perTick);
            writer.thread.start();
            return writer;
        }

        /** Waits until every line is written; returns how many were. */
        int awaitEnd() throws InterruptedException {
            thread.join();
            if (failure != null) {
                throw new UncheckedIOException("the load writer failed after " + written.get() + " lines", failure);
            }
            return written.get();
        }

        /** Stops writing and returns how many lines were written. */
        int stop() throws InterruptedException {
            stopping.set(true);
            return awaitEnd();
        }
    }

    private static void awaitInKafka(String topic, long records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (endOffset(topic) < records) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " holds " + endOffset(topic) + " records, not " + records);
            }
            Thread.sleep(100);
        }
    }

    /** The partition's end offset; -1 while no leader answers. */
    private static long endOffset(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = kafka.clients().admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(5, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Every line of one file, looked up in the index by its byte offset. */
    record LineCheck(long documents, int missing, int duplicated) {

        void assertExactlyOnce(int lines) {
            assertEquals(0, missing, "lines missing from the index");
            assertEquals(0, duplicated, "lines indexed more than once");
            assertEquals(lines, documents);
        }

        static LineCheck of(OpenSearchCluster cluster, String index, int lines, int lineBytes, Duration timeout)
                throws InterruptedException {
            return of(cluster, index, HttpJson.MAPPER.createObjectNode().set("match_all",
                    HttpJson.MAPPER.createObjectNode()), lines, lineBytes, timeout);
        }

        /** The lines of the documents {@code query} matches: one file of one host when several share an index. */
        static LineCheck of(OpenSearchCluster cluster, String index, ObjectNode query, int lines, int lineBytes,
                            Duration timeout) throws InterruptedException {
            SearchNode search = cluster.anyRunning();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                search.refresh(index);
                ObjectNode count = HttpJson.MAPPER.createObjectNode();
                count.set("query", query);
                if (search.http().send("POST", "/" + index + "/_count", count.toString(), "application/json")
                        .expectOk().path("count").asLong() >= lines) {
                    break;
                }
                Thread.sleep(500);
            }
            int[] seen = new int[lines];
            long documents = 0;
            JsonNode after = null;
            while (true) {
                ObjectNode body = HttpJson.MAPPER.createObjectNode();
                body.put("size", 10_000);
                body.set("query", query);
                body.put("_source", false);
                body.putArray("docvalue_fields").add("log.offset");
                body.putArray("sort").addObject().put("log.offset", "asc");
                if (after != null) {
                    body.set("search_after", after);
                }
                JsonNode hits = search.http().send("POST", "/" + index + "/_search", body.toString(),
                        "application/json").expectOk().path("hits").path("hits");
                if (hits.isEmpty()) {
                    break;
                }
                for (JsonNode hit : hits) {
                    long offset = hit.path("fields").path("log.offset").get(0).asLong();
                    int line = (int) (offset / lineBytes);
                    if (offset % lineBytes != 0 || line >= lines) {
                        throw new AssertionError("a document at byte " + offset + ", which starts no line");
                    }
                    seen[line]++;
                    documents++;
                }
                after = hits.get(hits.size() - 1).path("sort");
            }
            int missing = 0;
            int duplicated = 0;
            for (int count : seen) {
                if (count == 0) {
                    missing++;
                } else if (count > 1) {
                    duplicated++;
                }
            }
            return new LineCheck(documents, missing, duplicated);
        }
    }
}
