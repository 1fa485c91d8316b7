package io.logcollect.stack.bench;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Not a test: docs/s of the shipped sink with 1, 2 and 3 central workers in one group, as shipped
 * ({@code central-distributed.properties}, {@code sink-elasticsearch.json}), over the same backlog of agent records
 * in a topic of 6 partitions, into one OpenSearch node, in one run after a warm-up run. Each run starts its workers,
 * indexes the whole backlog into a fresh index with a consumer group of its own, and stops them. Prints docs/s, the ratio against one
 * worker, and the CPU seconds per million documents of the workers and of the engine.
 *
 * <pre>
 * bin/benchmark workers [documents]
 * </pre>
 */
public final class WorkersBenchmark {

    private static final int PARTITIONS = 6;

    private WorkersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 600_000;
        KafkaBroker kafka = TestServices.kafka();
        SearchNode search = TestServices.opensearch();
        String topic = "workers_bench";
        kafka.createTopic(topic, PARTITIONS);
        produce(kafka, topic, documents);
        System.out.printf("%,d agent records of about 480 bytes in %s (%d partitions); one OpenSearch node%n",
                documents, topic, PARTITIONS);
        // a fresh engine indexes its first documents at half its later pace (the JIT, the first segments): the
        // first run is a warm-up, reported apart, so that 1 worker is not measured on a cold engine
        Result warmUp = run(kafka, search, topic, documents, 1);
        System.out.printf("warm-up, 1 central worker: %,.0f docs/s (not compared)%n", warmUp.docsPerSecond());
        double base = 0;
        for (int workers = 1; workers <= 3; workers++) {
            Result result = run(kafka, search, topic, documents, workers);
            if (workers == 1) {
                base = result.docsPerSecond();
            }
            System.out.printf("%d central worker%s: %,.0f docs/s (%.2fx one worker); CPU per million documents:"
                            + " workers %.1f s, OpenSearch %.1f s%n", workers, workers == 1 ? " " : "s",
                    result.docsPerSecond(), result.docsPerSecond() / base, result.workerCpuPerMillion(),
                    result.engineCpuPerMillion());
        }
        System.exit(0);
    }

    private record Result(double docsPerSecond, double workerCpuPerMillion, double engineCpuPerMillion) {
    }

    private static Result run(KafkaBroker kafka, SearchNode search, String topic, int documents, int count)
            throws InterruptedException {
        String group = "central-" + UUID.randomUUID().toString().substring(0, 8);
        List<ConnectWorker> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            workers.add(ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka).groupId(group),
                    "central-distributed.properties").start());
        }
        search.deleteIndex(topic + "-*");
        Map<String, String> sink = ShippedConfigs.sink(search.url(), topic);
        String name = "workers-bench-" + count + "-" + UUID.randomUUID().toString().substring(0, 4);
        double[] workerCpu = workers.stream().mapToDouble(WorkersBenchmark::cpuSeconds).toArray();
        double engineCpu = cpuSeconds(search.process().pid());
        long start = System.nanoTime();
        workers.get(0).putConnector(name, sink);
        long deadline = start + Duration.ofMinutes(15).toNanos();
        while (search.count(topic + "-*") < documents) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(count + " workers indexed " + search.count(topic + "-*") + " of "
                        + documents + " documents in 15 minutes");
            }
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double workersUsed = 0;
        for (int i = 0; i < count; i++) {
            workersUsed += cpuSeconds(workers.get(i)) - workerCpu[i];
        }
        double engineUsed = cpuSeconds(search.process().pid()) - engineCpu;
        workers.get(0).deleteConnector(name);
        workers.forEach(ConnectWorker::stop);
        // the next run's sink installs its own template for the same pattern, which the engine refuses beside this one
        search.http().delete("/_index_template/logcollect-" + name);
        double millions = documents / 1e6;
        return new Result(documents / seconds, workersUsed / millions, engineUsed / millions);
    }

    private static double cpuSeconds(ConnectWorker worker) {
        return cpuSeconds(worker.process().pid());
    }

    private static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration()).orElseThrow().toNanos()
                / 1e9;
    }

    /** Records shaped like the agent's (ECS fields, a unique event.id), keyed by file, spread over the partitions. */
    private static void produce(KafkaBroker kafka, String topic, int documents) {
        String host = "bench-host";
        Instant start = Instant.now();
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of("linger.ms", 20,
                "batch.size", 262_144, "compression.type", "lz4"))) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = 0; i < documents; i++) {
                String file = "/var/log/app/app-" + (i % 12) + ".log";
                long offset = (long) (i / 12) * 200;
                String value = "{\"@timestamp\":\"" + start.plusMillis(i / 10) + "\",\"message\":\"2026-12-03 12:00:00.000"
                        + " INFO [worker-" + (i % 8) + "] com.example.shop.OrderService - order " + i + " accepted"
                        + " for customer " + (i * 7919 % 100_000) + " with 3 items, total 42.50 EUR, took "
                        + (i % 250) + " ms\",\"event\":{\"id\":\"bench-" + i + "\"},\"host\":{\"name\":\"" + host
                        + "\"},\"log\":{\"file\":{\"path\":\"" + file + "\"},\"offset\":" + offset
                        + "},\"labels\":{\"app\":\"shop\",\"env\":\"bench\",\"policy\":\"bench\",\"entry\":\"app\"}}";
                producer.send(new ProducerRecord<>(topic, host + ":" + file, value), delivery);
            }
            delivery.flushAndVerify(producer);
        }
    }
}
