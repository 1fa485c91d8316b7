package io.logcollect.es.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.search.client.EngineInfo;
import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.DeliveryCheck;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: docs/s of the sink connector (Kafka -> real Connect worker -> engine) against a raw {@code _bulk}
 * loader sending the same documents, with the same ids, batch size, concurrency, index template and settings,
 * to the same node in the same run. Prints both rates and their ratio.
 *
 * <pre>
 * bin/benchmark sink 400000 opensearch pinned
 * </pre>
 * Arguments: number of documents (default 500000), {@code opensearch} (default) or {@code elasticsearch}, and
 * optionally {@code pinned}: the engine on CPU 0, the worker, the broker and the raw loader on CPU 1 (with
 * {@code taskset}), like separate machines, so that the client side does not take CPU from the engine. The
 * connector runs three times over the same topic, each between two raw runs: with JsonConverter (schemaless
 * maps, the workers' default converter), StringConverter (JSON strings) and ByteArrayConverter (JSON bytes, the
 * converter of the shipped sink config), the last two indexed as they are.
 */
public final class SinkBenchmark {

    private static final int BATCH = 2000;
    private static final int IN_FLIGHT = 4;

    /** The processes whose CPU time is reported per run: engine, Connect worker, this JVM. */
    private static long[] pids = new long[0];

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        boolean elasticsearch = args.length > 1 && args[1].equalsIgnoreCase("elasticsearch");
        boolean pinned = args.length > 2 && args[2].equalsIgnoreCase("pinned");
        KafkaBroker kafka = TestServices.kafka();
        SearchNode node = elasticsearch ? TestServices.elasticsearch() : TestServices.opensearch();
        ConnectWorker worker = TestServices.connect();
        pids = new long[] {node.process().pid(), worker.process().pid(), ProcessHandle.current().pid()};
        if (pinned) {
            // Separate machines on one: the engine gets CPU 0 to itself; worker, broker and loader share CPU 1.
            pin(pids[0], "0");
            for (int i = 1; i < pids.length; i++) {
                pin(pids[i], "1");
            }
            ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("kafka.Kafka")).orElse(false))
                    .forEach(p -> {
                        try {
                            pin(p.pid(), "1");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            System.out.println("pinned: engine on CPU 0; Connect worker, Kafka and the raw loader on CPU 1");
        }
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        String topic = "bench-sink-" + run;
        String rawIndex = "bench-raw-" + run;

        node.http().put("/_index_template/bench-raw-" + run,
                HttpJson.MAPPER.readTree(IndexTemplates.body(List.of(rawIndex + "*"), new EngineInfo(node.flavor(), node.version()), false,
                        300, new IndexTemplates.IndexSettings(1, 0, "")))).expectOk();

        List<String> docs = new ArrayList<>(documents);
        for (int i = 0; i < documents; i++) {
            docs.add(document(topic, i));
        }
        kafka.createTopic(topic, 2);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        try (KafkaProducer<String, String> producer = kafka.producer(producerConfig)) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>(topic, "web-" + (i % 4), docs.get(i)), delivery);
            }
            delivery.flushAndVerify(producer);
        }
        System.out.printf("%s %s, %d documents of ~%d bytes, batch %d, %d requests in flight%n", node.flavor(),
                node.version(), documents, docs.get(0).length(), BATCH, IN_FLIGHT);

        String json = "org.apache.kafka.connect.json.JsonConverter";
        String string = "org.apache.kafka.connect.storage.StringConverter";
        String bytes = "org.apache.kafka.connect.converters.ByteArrayConverter";
        // Warm-up of both sides (JIT of the engine and of the worker), not measured.
        // OpenSearch's CPU per document keeps falling for the first million or so documents.
        raw(node, rawIndex + "-w1", topic, docs);
        raw(node, rawIndex + "-w2", topic, docs);
        sink(worker, node, topic, documents, json, "w", 1, IN_FLIGHT);
        // Sink runs interleaved with raw runs: each sink run is compared with the raw runs just before and after
        // it, so that drifts of the machine (other load, warm-up) hit both sides alike.
        double[] rawRates = new double[4];
        double[] sinkRates = new double[3];
        String[][] variants = {{json, "json", "JsonConverter (schemaless maps, the workers' default)"},
                {string, "string", "StringConverter (JSON strings)"},
                {bytes, "bytes", "ByteArrayConverter (JSON bytes, as shipped)"}};
        rawRates[0] = raw(node, rawIndex + "-0", topic, docs);
        for (int v = 0; v < variants.length; v++) {
            long[] cpu = cpu();
            sinkRates[v] = sink(worker, node, topic, documents, variants[v][0], variants[v][1], 1, IN_FLIGHT);
            System.out.printf("sink, %-58s %8.0f docs/s  %s%n", variants[v][2] + ":", sinkRates[v],
                    cpuSince(cpu, documents));
            rawRates[v + 1] = raw(node, rawIndex + "-" + (v + 1), topic, docs);
        }
        System.out.println("RESULT (sink docs/s / mean of the raw runs before and after it):");
        for (int v = 0; v < variants.length; v++) {
            double raw = (rawRates[v] + rawRates[v + 1]) / 2;
            System.out.printf("  %-58s %.2fx (sink %.0f, raw %.0f docs/s)%n", variants[v][2], sinkRates[v] / raw,
                    sinkRates[v], raw);
        }
    }

    private static double raw(SearchNode node, String index, String topic, List<String> docs) throws Exception {
        long[] cpu = cpu();
        double rate = rawLoad(node, index, topic, docs);
        System.out.printf("raw _bulk loader:%48s %8.0f docs/s  %s%n", "", rate, cpuSince(cpu, docs.size()));
        long count = node.count(index);
        if (count != docs.size()) {
            throw new IllegalStateException(index + " has " + count + " documents, not " + docs.size());
        }
        settle(node, index);
        return rate;
    }

    /** {@code taskset -a -p -c <cpus> <pid>}: every thread of the process on those CPUs. */
    private static void pin(long pid, String cpus) throws Exception {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset failed for pid " + pid);
        }
    }

    private static long[] cpu() {
        long[] nanos = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            nanos[i] = ProcessHandle.of(pids[i]).flatMap(p -> p.info().totalCpuDuration())
                    .map(java.time.Duration::toNanos).orElse(0L);
        }
        return nanos;
    }

    /** CPU microseconds per document since {@code before}, of the engine, the worker and this JVM. */
    private static String cpuSince(long[] before, int documents) {
        long[] now = cpu();
        String[] names = {"engine", "worker", "this JVM (raw loader)"};
        StringBuilder text = new StringBuilder("CPU us/doc:");
        for (int i = 0; i < now.length; i++) {
            text.append(' ').append(names[i]).append(' ')
                    .append(String.format("%.1f", (now[i] - before[i]) / 1000.0 / documents));
        }
        return text.toString();
    }

    /** Deletes a measured index and gives the node a few seconds, so that its merges do not slow the next run. */
    private static void settle(SearchNode node, String index) throws InterruptedException {
        node.deleteIndex(index);
        Thread.sleep(5000);
    }

    /** Runs a connector over the topic into {@code <topic>-<suffix>} and returns its docs/s. */
    private static double sink(ConnectWorker worker, SearchNode node, String topic, int documents, String converter,
                               String suffix, int tasks, int inFlight) throws InterruptedException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.es.ElasticsearchSinkConnector");
        config.put("tasks.max", String.valueOf(tasks));
        config.put("topics", topic);
        config.put("connection.url", node.url());
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", converter);
        config.put("value.converter.schemas.enable", "false");
        config.put("index.name.format", "{topic}-" + suffix);
        config.put("index.template.replicas", "0");
        config.put("batch.size", String.valueOf(BATCH));
        config.put("max.in.flight.requests", String.valueOf(inFlight));
        config.put("consumer.override.max.poll.records", "5000");
        config.put("consumer.override.fetch.max.bytes", String.valueOf(64 * 1024 * 1024));
        String name = topic + "-" + suffix;
        worker.putConnector(name, config);
        double rate = measureSink(node, name, documents);
        worker.deleteConnector(name);
        long count = node.count(name);
        if (count != documents) {
            throw new IllegalStateException(name + " has " + count + " documents, not " + documents);
        }
        settle(node, name);
        return rate;
    }

    /** The document the connector writes for record {@code i}: the ECS record of the tail source. */
    static String document(String topic, int i) {
        String ts = Instant.ofEpochMilli(1_795_600_000_000L + i * 13L).toString();
        return "{\"@timestamp\":\"" + ts + "\",\"message\":\"GET /shop/item/" + i + " HTTP/1.1 200 " + (i % 5000)
                + " \\\"Mozilla/5.0\\\"\",\"event\":{\"id\":\"" + topic + "-" + i + "\"},\"host\":{\"name\":\"web-"
                + (i % 4) + "\"},\"log\":{\"file\":{\"path\":\"/var/log/nginx/access.log\"},\"offset\":" + (i * 120L)
                + "},\"labels\":{\"app\":\"shop\",\"env\":\"prod\",\"policy\":\"web\",\"entry\":\"nginx-access\"}}";
    }

    private static double rawLoad(SearchNode node, String index, String topic, List<String> docs) throws Exception {
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < docs.size(); i++) {
            body.append("{\"create\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(topic).append('-')
                    .append(i).append("\"}}\n").append(docs.get(i)).append('\n');
            if ((i + 1) % BATCH == 0 || i == docs.size() - 1) {
                bodies.add(body.toString());
                body.setLength(0);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        AtomicLong next = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < IN_FLIGHT; t++) {
            workers.add(pool.submit(() -> {
                for (long b; (b = next.getAndIncrement()) < bodies.size(); ) {
                    JsonNode response = node.http().send("POST", "/_bulk?filter_path=errors", bodies.get((int) b),
                            "application/x-ndjson").expectOk();
                    if (response.path("errors").asBoolean()) {
                        throw new IllegalStateException("raw bulk had item errors");
                    }
                }
                return null;
            }));
        }
        double rate = measureSink(node, index, docs.size());
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        return rate;
    }

    /**
     * Docs/s from the first document indexed to the last, by the index's indexing counter polled every 100 ms:
     * the same measure for the raw loader and the connector.
     */
    private static double measureSink(SearchNode node, String index, int documents) throws InterruptedException {
        long firstSeenNanos = 0;
        long firstSeenCount = 0;
        while (true) {
            long count = indexed(node, index);
            long now = System.nanoTime();
            if (firstSeenNanos == 0 && count > 0) {
                firstSeenNanos = now;
                firstSeenCount = count;
            }
            if (count >= documents) {
                return (count - firstSeenCount) / ((now - firstSeenNanos) / 1e9);
            }
            Thread.sleep(100);
        }
    }

    private static long indexed(SearchNode node, String index) {
        HttpJson.Response response = node.http().get("/" + index
                + "/_stats/indexing?ignore_unavailable=true&filter_path=_all.primaries.indexing.index_total");
        return response.ok() ? response.json().at("/_all/primaries/indexing/index_total").asLong(0) : 0;
    }
}
