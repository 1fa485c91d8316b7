package io.logcollect.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Kafka KRaft node (combined broker and controller) in its own JVM: on its own, a single-node cluster; or one
 * of a {@link KafkaCluster}'s nodes. Also the kit's client view of a cluster (admin, topics, producer, reading).
 */
public final class KafkaBroker {

    private final Path dir;
    private final String bootstrapServers;
    private final short replicationFactor;
    private final ServiceProcess process;

    private KafkaBroker(String bootstrapServers, short replicationFactor) {
        this.dir = null;
        this.bootstrapServers = bootstrapServers;
        this.replicationFactor = replicationFactor;
        this.process = null;
    }

    /**
     * A node of a cluster whose voters are {@code voters} ({@code id@host:port,...}), all formatted with
     * {@code clusterId}; topics, internal ones included, get {@code replicationFactor} replicas and, when
     * replicated, {@code min.insync.replicas=2}.
     */
    KafkaBroker(Path dir, int nodeId, int port, int controllerPort, String voters, String clusterId,
                int replicationFactor) {
        this.dir = dir;
        this.bootstrapServers = "127.0.0.1:" + port;
        this.replicationFactor = (short) replicationFactor;
        String replicas = String.valueOf(replicationFactor);
        String minInSync = String.valueOf(Math.min(2, replicationFactor));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(nodeId));
        config.put("controller.quorum.voters", voters);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        config.put("log.dirs", dir.resolve("data").toString());
        config.put("num.partitions", "1");
        config.put("default.replication.factor", replicas);
        config.put("min.insync.replicas", minInSync);
        config.put("offsets.topic.replication.factor", replicas);
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", replicas);
        config.put("transaction.state.log.min.isr", minInSync);
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.replication.factor", replicas);
        config.put("share.coordinator.state.topic.min.isr", minInSync);
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        // Test records carry fixed historical timestamps (the sink's daily indices): time-based retention would
        // delete them, even from the active segment, within five minutes of the broker's start.
        config.put("log.retention.ms", "-1");
        Path properties = dir.resolve("server.properties");
        JavaProcesses.writeProperties(properties, config);

        ServiceProcess.runOnce("kafka-storage-format", JavaProcesses.kafkaCommand(dir,
                        JavaProcesses.defaultOptions("256m"), "kafka.tools.StorageTool", "format", "-t", clusterId,
                        "-c", properties.toString()),
                Map.of(), dir, Duration.ofSeconds(90));
        this.process = new ServiceProcess("kafka", JavaProcesses.kafkaCommand(dir, JavaProcesses.defaultOptions("1g"),
                "kafka.Kafka", properties.toString()), Map.of(), dir);
    }

    /** Formats a new log directory and starts a single-node cluster on free ports. */
    public static KafkaBroker start() {
        int controllerPort = Ports.free();
        KafkaBroker broker = new KafkaBroker(Workspace.newDirectory("kafka"), 1, Ports.free(), controllerPort,
                "1@127.0.0.1:" + controllerPort, Uuid.randomUuid().toString(), 1);
        broker.startProcess();
        return broker;
    }

    /** A cluster that runs elsewhere (the local stack's {@code --kafka}): it is used, never started or stopped. */
    public static KafkaBroker external(String bootstrapServers) {
        return new KafkaBroker(bootstrapServers, (short) 1);
    }

    /** How many replicas the topics this kit creates get: Connect's internal topics too. */
    short replicationFactor() {
        return replicationFactor;
    }

    /** The client view of a cluster of this kit, whose topics get {@code replicationFactor} replicas. */
    static KafkaBroker clients(String bootstrapServers, int replicationFactor) {
        return new KafkaBroker(bootstrapServers, (short) replicationFactor);
    }

    /** Starts the node's process without waiting for it: a node of a cluster answers once a quorum is up. */
    void launch() {
        managed().start(Duration.ofSeconds(90), () -> true);
    }

    /** Starts the broker again after {@link #stop()} or {@link #kill()}, with its data and ports. */
    public void startProcess() {
        managed().start(Duration.ofSeconds(90), this::answers);
    }

    public void stop() {
        managed().stop();
    }

    public void kill() {
        managed().kill();
    }

    String logTail(int lines) {
        return managed().logTail(lines);
    }

    public boolean isRunning() {
        return managed().isAlive();
    }

    private ServiceProcess managed() {
        if (process == null) {
            throw new IllegalStateException("the Kafka cluster at " + bootstrapServers + " is not started by this kit");
        }
        return process;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path directory() {
        return dir;
    }

    private boolean answers() {
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /**
     * Creates a topic and returns once the broker leads every one of its partitions. Returning earlier lets an
     * idempotent producer with several requests in flight lose a batch for good: its first request is refused
     * (NOT_LEADER_OR_FOLLOWER), a later one is accepted, and every retry of the first then fails with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-15591, not fixed in Kafka 4.3).
     */
    public void createTopic(String topic, int partitions) {
        createTopic(topic, partitions, Map.of());
    }

    /** {@link #createTopic(String, int)} with topic configs, e.g. {@code max.message.bytes}. */
    public void createTopic(String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            awaitLeader(admin, ends);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    /** Only a partition's leader answers a ListOffsets request; until it does, the request fails retriably. */
    private static void awaitLeader(Admin admin, Map<TopicPartition, OffsetSpec> partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Tests load the broker alongside search engines on two cores; batches must wait, not expire.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /**
     * Reads a topic from its beginning until {@code done} accepts what was read or the timeout passes, and
     * returns every record read, in partition order. Values are UTF-8 strings.
     */
    public List<ConsumerRecord<String, String>> consume(String topic, Duration timeout,
                                                        Predicate<List<ConsumerRecord<String, String>>> done) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                consumer.partitionsFor(topic, Duration.ofSeconds(5)).forEach(
                        info -> partitions.add(new TopicPartition(topic, info.partition())));
                if (partitions.isEmpty()) {
                    ServiceProcess.sleep(200);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Reads a topic until it holds at least {@code count} records or the timeout passes. */
    public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
        return consume(topic, timeout, records -> records.size() >= count);
    }

    /** The number of records in a topic (end offsets minus beginning offsets). */
    public long recordCount(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }
}
