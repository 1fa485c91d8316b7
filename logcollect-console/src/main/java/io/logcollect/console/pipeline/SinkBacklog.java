package io.logcollect.console.pipeline;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What the sink has not indexed yet: its consumer group's lag per topic, and the dead-letter queue's size with
 * the error headers of its newest records (never their values: they are log lines).
 */
public final class SinkBacklog implements AutoCloseable {

    private static final int NEWEST_DEAD_LETTERS = 10;
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final Properties consumerProperties = new Properties();
    private final String group;
    private final String deadLetterTopic;

    public SinkBacklog(String bootstrapServers, String sinkConnector, String deadLetterTopic) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMillis = (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        this.admin = Admin.create(properties);
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.group = "connect-" + sinkConnector;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** A dead letter: where it came from and why, from the headers Connect writes. */
    public record DeadLetter(long offset, Instant time, Map<String, String> errorHeaders) {
    }

    /** The sink's lag per topic and the dead-letter queue. */
    public record Backlog(String group, Map<String, Long> lagByTopic, long deadLetters, List<DeadLetter> newest) {
    }

    public Backlog read() throws IOException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = ends(committed.keySet().stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
            Map<String, Long> lag = new TreeMap<>();
            committed.forEach((partition, offset) -> {
                long end = ends.getOrDefault(partition, 0L);
                lag.merge(partition.topic(), Math.max(0, end - (offset == null ? 0 : offset.offset())), Long::sum);
            });
            List<TopicPartition> deadLetterPartitions = deadLetterPartitions();
            Map<TopicPartition, Long> deadStarts = ends(deadLetterPartitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())));
            Map<TopicPartition, Long> deadEnds = ends(deadLetterPartitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
            long deadLetters = 0;
            for (TopicPartition partition : deadLetterPartitions) {
                deadLetters += deadEnds.getOrDefault(partition, 0L) - deadStarts.getOrDefault(partition, 0L);
            }
            return new Backlog(group, lag, deadLetters, newest(deadLetterPartitions, deadStarts, deadEnds));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Kafka did not answer about the sink's backlog: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private List<TopicPartition> deadLetterPartitions() throws InterruptedException, ExecutionException,
            TimeoutException {
        try {
            return admin.describeTopics(List.of(deadLetterTopic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(deadLetterTopic).partitions().stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return List.of();
            }
            throw e;
        }
    }

    private Map<TopicPartition, Long> ends(Map<TopicPartition, OffsetSpec> request) throws InterruptedException,
            ExecutionException, TimeoutException {
        if (request.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(request).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((partition, info) -> result.put(partition, info.offset()));
        return result;
    }

    private List<DeadLetter> newest(List<TopicPartition> partitions, Map<TopicPartition, Long> starts,
                                    Map<TopicPartition, Long> ends) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> wanted = new HashMap<>();
            for (TopicPartition partition : partitions) {
                long end = ends.getOrDefault(partition, 0L);
                long start = Math.max(starts.getOrDefault(partition, 0L), end - NEWEST_DEAD_LETTERS);
                consumer.seek(partition, start);
                if (end > start) {
                    wanted.put(partition, end);
                }
            }
            long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
            while (!wanted.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        if (header.key().startsWith("__connect.errors.") && header.value() != null
                                && !header.key().endsWith("stacktrace")) {
                            headers.put(header.key().substring("__connect.errors.".length()),
                                    new String(header.value(), StandardCharsets.UTF_8));
                        }
                    }
                    letters.add(new DeadLetter(record.offset(), Instant.ofEpochMilli(record.timestamp()), headers));
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() + 1 >= wanted.getOrDefault(partition, 0L)) {
                        wanted.remove(partition);
                    }
                }
            }
        }
        letters.sort(Comparator.comparing(DeadLetter::time).reversed());
        return letters.subList(0, Math.min(NEWEST_DEAD_LETTERS, letters.size()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
