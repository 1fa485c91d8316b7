package io.logcollect.es.delivery;

import io.logcollect.es.ElasticsearchSinkConfig.IdStrategy;
import io.logcollect.es.ElasticsearchSinkConfig.MalformedBehavior;
import io.logcollect.es.ElasticsearchSinkConfig.NullValueBehavior;
import io.logcollect.es.bulk.BulkAction;
import io.logcollect.es.bulk.BulkEngine;
import io.logcollect.es.bulk.BulkMetrics;
import io.logcollect.es.bulk.BulkSettings;
import io.logcollect.es.document.IndexNameFormat;
import io.logcollect.es.document.RecordConverter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine, the ledger and the way the task wires them ({@link SinkDelivery}), driven as Connect drives a sink
 * task, against an engine that fails at random ({@link FaultyEngine}): records handed over in polls, offsets
 * committed from {@code preCommit}, partitions revoked and assigned again, the consumer sent back to the committed
 * offsets without a revocation (as Connect does when a commit fails), and the worker killed (the engine dropped
 * without being closed) and started again from the committed offsets. After every commit, no committed offset
 * may pass a record whose document is not indexed or that is not in the dead-letter queue; at the end, once the
 * engine heals, every record is committed, every document indexed and every malformed record dead-lettered.
 */
class DeliveryUnderFaultsTest {

    static final String MALFORMED_PREFIX = "bad-";
    private static final String TOPIC = "logs";
    private static final int PARTITIONS = 3;
    private static ScheduledExecutorService answers;

    @BeforeContainer
    static void startAnswering() {
        answers = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "faulty-engine");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterContainer
    static void stopAnswering() {
        answers.shutdownNow();
    }

    /** One record of the topic: its document id, or a malformed one's. */
    private record Produced(String id, byte[] value, long timestamp) {
    }

    @Property(tries = 700, shrinking = ShrinkingMode.OFF)
    void committedOffsetsNeverPassAnUnacknowledgedRecord(@ForAll long seed) {
        Random random = new Random(seed);
        List<List<Produced>> topic = produce(random);
        FaultyEngine engine = new FaultyEngine(answers, seed);
        Set<String> deadLettered = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> committed = new HashMap<>();
        Run run = new Run(engine, random, deadLettered, committed);
        try {
            int steps = 10 + random.nextInt(30);
            for (int step = 0; step < steps; step++) {
                run.step(topic, random.nextInt(100));
                assertCommittedAreDone(topic, committed, engine, deadLettered, seed);
            }
            engine.heal();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!allCommitted(topic, committed)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("seed " + seed + ": not everything was committed after the engine"
                            + " healed; committed " + committed + ", ends " + ends(topic) + ", task " + run.state());
                }
                run.step(topic, random.nextInt(60));
                assertCommittedAreDone(topic, committed, engine, deadLettered, seed);
            }
            for (List<Produced> partition : topic) {
                for (Produced record : partition) {
                    if (record.id().startsWith(MALFORMED_PREFIX)) {
                        assertTrue(deadLettered.contains(record.id()), "seed " + seed + ": " + record.id()
                                + " is not in the dead-letter queue");
                    } else {
                        assertTrue(engine.indexed(record.id()), "seed " + seed + ": " + record.id()
                                + " is not indexed");
                    }
                }
            }
            Set<String> malformed = new HashSet<>();
            topic.forEach(partition -> partition.stream().map(Produced::id)
                    .filter(id -> id.startsWith(MALFORMED_PREFIX)).forEach(malformed::add));
            assertEquals(malformed, deadLettered, "seed " + seed + ": only malformed records are dead-lettered");
        } finally {
            run.kill();
        }
    }

    /** Up to 100 records over three partitions; some repeat an earlier record's id, a few are malformed. */
    private static List<List<Produced>> produce(Random random) {
        int count = 10 + random.nextInt(90);
        List<List<Produced>> topic = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            topic.add(new ArrayList<>());
        }
        List<String> earlier = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id;
            int kind = random.nextInt(100);
            if (kind < 3) {
                id = MALFORMED_PREFIX + i;
            } else if (kind < 13 && !earlier.isEmpty()) {
                id = earlier.get(random.nextInt(earlier.size()));
            } else {
                id = "line-" + i;
                earlier.add(id);
            }
            long timestamp = 1_795_000_000_000L + i;
            byte[] value = ("{\"message\":\"line " + i + "\",\"event\":{\"id\":\"" + id + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            topic.get(Math.floorMod(id.hashCode(), PARTITIONS)).add(new Produced(id, value, timestamp));
        }
        return topic;
    }

    private static void assertCommittedAreDone(List<List<Produced>> topic, Map<Integer, Long> committed,
                                               FaultyEngine engine, Set<String> deadLettered, long seed) {
        committed.forEach((partition, offset) -> {
            for (int o = 0; o < offset; o++) {
                Produced record = topic.get(partition).get(o);
                boolean done = record.id().startsWith(MALFORMED_PREFIX) ? deadLettered.contains(record.id())
                        : engine.indexed(record.id());
                if (!done) {
                    throw new AssertionError("seed " + seed + ": offset " + offset + " of partition " + partition
                            + " is committed, but record " + o + " (" + record.id() + ") is neither indexed nor"
                            + " dead-lettered");
                }
            }
        });
    }

    private static boolean allCommitted(List<List<Produced>> topic, Map<Integer, Long> committed) {
        for (int p = 0; p < PARTITIONS; p++) {
            if (committed.getOrDefault(p, 0L) != topic.get(p).size()) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, Integer> ends(List<List<Produced>> topic) {
        Map<Integer, Integer> ends = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            ends.put(p, topic.get(p).size());
        }
        return ends;
    }

    /**
     * One task as Connect runs it: a consumer position per partition, the partitions it paused, and the task
     * (delivery, engine) that a kill replaces.
     */
    private static final class Run implements SinkDelivery.Consumption {
        private final FaultyEngine faultyEngine;
        private final Random random;
        private final Set<String> deadLettered;
        private final Map<Integer, Long> committed;
        private final Map<Integer, Long> positions = new HashMap<>();
        private final Set<TopicPartition> paused = new LinkedHashSet<>();
        private final Set<TopicPartition> assignment = new LinkedHashSet<>();
        private FaultyEngine.Generation generation;
        private BulkEngine engine;
        private SinkDelivery delivery;

        Run(FaultyEngine faultyEngine, Random random, Set<String> deadLettered, Map<Integer, Long> committed) {
            this.faultyEngine = faultyEngine;
            this.random = random;
            this.deadLettered = deadLettered;
            this.committed = committed;
            start();
        }

        /** A new task on a new worker: the partitions assigned at their committed offsets. */
        private void start() {
            int batchSize = 1 + random.nextInt(20);
            BulkSettings settings = new BulkSettings(batchSize, 200 + random.nextInt(4000), random.nextInt(3),
                    1 + random.nextInt(4), -1, 1, 1 + random.nextInt(2), 5 + random.nextInt(10), random.nextBoolean());
            delivery = new SinkDelivery("guard", new SinkDelivery.Settings(MalformedBehavior.DLQ, false,
                    5 + random.nextInt(60), 1),
                    new RecordConverter(IdStrategy.EVENT_ID, BulkAction.CREATE,
                            IndexNameFormat.parse("{topic}-{yyyy.MM.dd}", ZoneOffset.UTC), NullValueBehavior.IGNORE),
                    (record, reason) -> deadLettered.add(idOf(record)), this, new SinkStatus(new SinkStatus.Settings(
                            "guard-host", "guard", "test", IndexNameFormat.parse("status-{yyyy.MM.dd}", ZoneOffset.UTC),
                            0)));
            generation = faultyEngine.generation();
            engine = new BulkEngine("guard", settings, generation, delivery, BulkMetrics.NONE);
            delivery.use(engine);
            engine.start();
            paused.clear();
            assignment.clear();
            for (int p = 0; p < PARTITIONS; p++) {
                assignment.add(new TopicPartition(TOPIC, p));
                positions.put(p, committed.getOrDefault(p, 0L));
            }
            delivery.opened(assignment);
        }

        void step(List<List<Produced>> topic, int dice) {
            if (dice < 55) {
                poll(topic);
            } else if (dice < 80) {
                commit();
            } else if (dice < 85) {
                commit();
                delivery.revoked(List.copyOf(assignment));
                assignment.forEach(tp -> positions.put(tp.partition(), committed.getOrDefault(tp.partition(), 0L)));
                paused.clear();
                delivery.opened(assignment);
            } else if (dice < 88) {
                assignment.forEach(tp -> positions.put(tp.partition(), committed.getOrDefault(tp.partition(), 0L)));
            } else if (dice < 91) {
                kill();
                start();
            } else {
                sleep(random.nextInt(2));
            }
        }

        /** Hands the task what the consumer fetches from the partitions it has not paused. */
        private void poll(List<List<Produced>> topic) {
            List<SinkRecord> records = new ArrayList<>();
            for (TopicPartition tp : assignment) {
                if (paused.contains(tp)) {
                    continue;
                }
                int p = tp.partition();
                long from = positions.get(p);
                long to = Math.min(topic.get(p).size(), from + 1 + random.nextInt(40));
                for (long o = from; o < to; o++) {
                    Produced record = topic.get(p).get((int) o);
                    records.add(new SinkRecord(TOPIC, p, null, null, null, record.value(), o, record.timestamp(),
                            TimestampType.CREATE_TIME));
                }
                positions.put(p, to);
            }
            delivery.put(records);
        }

        /** What Connect commits: the task's offsets, never past what the consumer handed it. */
        private void commit() {
            Map<TopicPartition, OffsetAndMetadata> offsets = delivery.committable(assignment);
            offsets.forEach((tp, offset) -> {
                if (offset.offset() <= positions.get(tp.partition())) {
                    committed.put(tp.partition(), offset.offset());
                }
            });
        }

        /** kill -9: the engine is dropped without closing it; requests already sent may still land. */
        void kill() {
            generation.kill();
            engine.close();
        }

        String state() {
            return "positions " + positions + ", paused " + paused + ", open records " + delivery.ledger().pending()
                    + ", outstanding " + engine.outstanding();
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.copyOf(assignment);
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            paused.addAll(partitions);
        }

        @Override
        public void resume(Collection<TopicPartition> partitions) {
            paused.removeAll(partitions);
        }

        private static String idOf(SinkRecord record) {
            String json = new String((byte[]) record.value(), StandardCharsets.UTF_8);
            int at = json.indexOf("\"id\":\"") + 6;
            return json.substring(at, json.indexOf('"', at));
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
