package io.logcollect.stack;

import io.logcollect.testkit.ConnectWorker;
import io.logcollect.testkit.ElasticsearchNode;
import io.logcollect.testkit.EtcdCluster;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;
import io.logcollect.testkit.KafkaCluster;
import io.logcollect.testkit.Locations;
import io.logcollect.testkit.OpenSearchCluster;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.ShippedConfigs;
import io.logcollect.testkit.Workspace;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/demo}: the whole pipeline on this machine. Starts Kafka, etcd and a search engine (or uses the
 * given ones), the central Connect worker with the sink and an agent worker with the tail connector whose
 * entries come from etcd, writes demo logs, and prints progress until Ctrl-C, which stops everything it
 * started.
 */
public final class LocalStack {

    static final String POLICY = "demo";
    static final String POLICY_KEY = "/logcollect/policies/" + POLICY + "/entries";
    static final List<String> TOPICS = List.of("demo_access", "demo_app");
    /** The agents' own topics (their defaults): task status and host metrics, indexed beside the logs. */
    static final String STATUS_TOPIC = "logcollect-status";
    static final String METRICS_TOPIC = "logcollect-metrics";

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        StackOptions options;
        try {
            options = StackOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("bin/demo: " + e.getMessage());
            }
            System.err.print(StackOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping everything bin/demo started ...");
            stopped.countDown();
        }, "demo-stop"));
        run(options, stopped);
        System.exit(0);
    }

    static void run(StackOptions options, CountDownLatch stopped) throws Exception {
        for (String module : Locations.PLUGIN_MODULES) {
            if (!Files.isDirectory(Locations.root().resolve(module).resolve("target/plugin"))) {
                throw new IllegalStateException(module + " is not packaged: run 'mvn -q install -DskipTests' first");
            }
        }
        boolean cluster = options.cluster();
        step(cluster ? "Kafka: three nodes" : "Kafka");
        KafkaBroker kafka = options.kafka() != null ? KafkaBroker.external(options.kafka())
                : cluster ? KafkaCluster.start(3).clients() : KafkaBroker.start();
        step(cluster ? "etcd: three members" : "etcd");
        String etcdUrl = options.etcd() != null ? options.etcd()
                : cluster ? EtcdCluster.start(3).endpoints() : EtcdServer.start().endpoint();
        step(options.search() != null ? "search engine at " + options.search()
                : cluster ? "OpenSearch: three nodes" : options.engine());
        String searchUrl = options.search() != null ? options.search()
                : cluster ? OpenSearchCluster.start(3).urls()
                : options.engine().equals("elasticsearch") ? ElasticsearchNode.start().url() : OpenSearchNode.start().url();

        Path logs = options.logs() != null ? options.logs() : Workspace.newDirectory("demo-logs");
        String policy = options.logs() != null ? ownLogsPolicy(logs) : demoPolicy(logs);
        putPolicy(etcdUrl, policy);

        step(cluster ? "three central Connect workers (as shipped) with the sink" : "central Connect worker with the sink");
        ConnectWorker central = cluster ? centralWorker(kafka) : ConnectWorker.distributed(kafka).start();
        if (cluster) {
            centralWorker(kafka);
            centralWorker(kafka);
        }
        central.putConnector("logcollect-sink", sinkConfig(searchUrl, options.logs() != null, cluster));
        step("agent (standalone worker) with the tail connector and the host metrics connector");
        ConnectWorker agent = ConnectWorker.agent(kafka, etcdUrl).connector("logcollect-agent", agentConfig(logs))
                .connector("logcollect-host-metrics", hostMetricsConfig()).start();
        agent.awaitRunning("logcollect-agent", options.logs() != null ? 1 : 2, Duration.ofMinutes(2));
        agent.awaitRunning("logcollect-host-metrics", 1, Duration.ofMinutes(2));
        central.awaitRunning("logcollect-sink", cluster ? 3 : 1, Duration.ofMinutes(2));

        DemoLogs demo = null;
        if (options.logs() == null) {
            demo = new DemoLogs(logs, options.rate(), 10_000);
            Thread writer = new Thread(demo, "demo-logs");
            writer.setDaemon(true);
            writer.start();
        }
        step("console");
        DemoConsole console = DemoConsole.start(options.consolePort(), etcdUrl, searchUrl, central.restUrl(),
                kafka.bootstrapServers());
        printGuide(console, kafka, etcdUrl, searchUrl, central, agent, logs);
        List<HttpJson> searchNodes = Arrays.stream(searchUrl.split(",")).map(HttpJson::new).toList();
        Progress progress = new Progress(kafka, searchNodes, demo, options.logs() != null ? List.of("logs") : TOPICS);
        long deadline = options.minutes() == 0 ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.MINUTES.toNanos(options.minutes());
        while (!stopped.await(2, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            System.out.println(progress.line());
        }
        if (demo != null) {
            demo.stop();
        }
        System.out.println(progress.line());
    }

    private static void step(String what) {
        System.out.println("== starting " + what + " ...");
    }

    static String demoPolicy(Path logs) {
        return """
                [{"id": "access", "paths": ["%1$s/access.log*"], "topic": "demo_access", "start_at": "beginning",
                  "fields": {"app": "demo-shop", "kind": "access"}},
                 {"id": "app", "paths": ["%1$s/app.log*"], "topic": "demo_app", "start_at": "beginning",
                  "multiline": {"pattern": "^[ \\\\t]|^Caused by:|^[a-z]+\\\\.[a-zA-Z.]+(Exception|Error)", "match": "after"},
                  "fields": {"app": "demo-shop", "kind": "application"}}]
                """.formatted(logs);
    }

    static String ownLogsPolicy(Path logs) {
        return """
                [{"id": "logs", "paths": ["%s/**/*.log*"], "exclude": ["*.gz", "*.zip"], "topic": "logs",
                  "start_at": "beginning", "multiline": {"pattern": "^[ \\\\t]|^Caused by:", "match": "after"}}]
                """.formatted(logs);
    }

    static Map<String, String> agentConfig(Path logs) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("tasks.max", "2");
        config.put("collect.policy", POLICY);
        config.put("collect.entries", "${etcd:/logcollect/policies/" + POLICY + ":entries}");
        config.put("allowed.paths", logs.toString());
        config.put("scan.interval.ms", "500");
        config.put("key.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        config.put("value.converter", "io.logcollect.tail.record.LogRecordJsonConverter");
        return config;
    }

    /** The Sys Agent beside the log agent, as shipped but every 5 s for the demo. */
    static Map<String, String> hostMetricsConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.metrics.HostMetricsSourceConnector");
        config.put("tasks.max", "1");
        config.put("interval.ms", "5000");
        config.put("topic", METRICS_TOPIC);
        return config;
    }

    static Map<String, String> sinkConfig(String searchUrl, boolean ownLogs, boolean cluster) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.es.ElasticsearchSinkConnector");
        config.put("tasks.max", cluster ? "3" : "1");
        config.put("topics", String.join(",", ownLogs ? List.of("logs") : TOPICS) + "," + STATUS_TOPIC + ","
                + METRICS_TOPIC);
        config.put("connection.url", searchUrl);
        // The sink reads the agent's JSON values as bytes and indexes them as they are: no map in between.
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        return config;
    }

    /** A worker of the central group, with the shipped worker config; stopped with the others at exit. */
    private static ConnectWorker centralWorker(KafkaBroker kafka) {
        return ShippedConfigs.withWorkerProperties(ConnectWorker.distributed(kafka).groupId("logcollect-central"),
                "central-distributed.properties").start();
    }

    /** The first of comma-separated URLs. */
    private static String first(String urls) {
        return urls.split(",")[0];
    }

    /** Writes the policy through etcd's JSON gateway (what {@code etcdctl put} does). */
    static void putPolicy(String etcdUrls, String policy) {
        Base64.Encoder base64 = Base64.getEncoder();
        new HttpJson(first(etcdUrls)).post("/v3/kv/put", Map.of(
                "key", base64.encodeToString(POLICY_KEY.getBytes(StandardCharsets.UTF_8)),
                "value", base64.encodeToString(policy.getBytes(StandardCharsets.UTF_8)))).expectOk();
    }

    private static void printGuide(DemoConsole console, KafkaBroker kafka, String etcdUrl, String searchUrl,
                                   ConnectWorker central, ConnectWorker agent, Path logs) throws java.io.IOException {
        Path cli = Locations.root().resolve("policy-store/target/dist/bin/logcollect-policy");
        Path entry = logs.resolveSibling("extra-entry.json");
        Files.writeString(entry, "{\"id\":\"extra\",\"paths\":[\"" + logs + "/extra.log\"],\"topic\":\"demo_app\","
                + "\"start_at\":\"beginning\",\"fields\":{\"app\":\"extra\"}}\n");
        String node = first(searchUrl);
        System.out.printf("""

                logcollect is running on this machine. Open the console:
                  %s   user %s   password %s
                  (policies: edit, history, rollback; agents; search; pipeline)

                  logs collected from  %s
                  Kafka                %s
                  etcd                 %s   (policy key %s)
                  search engine        %s
                  agent worker REST    %s   (connector logcollect-agent)
                  central worker REST  %s   (connector logcollect-sink)

                Search the logs:
                  curl -s '%s/demo_app-*/_search?q=message:Exception&size=1&pretty'
                  curl -s '%s/_cat/indices/demo_*?v'
                The host's metrics and the agent's status (Metricbeat's field names):
                  curl -s '%s/logcollect-metrics-*/_search?q=metricset.name:cpu&size=1&sort=@timestamp:desc&pretty'
                  curl -s '%s/logcollect-status-*/_search?size=1&sort=@timestamp:desc&pretty'
                  %s --endpoints %s agents
                Add a collection entry (the agent picks it up within seconds, no restart):
                  echo 'an extra line' >> %s/extra.log
                  %s --endpoints %s add-entry %s %s -m "collect extra.log"
                  curl -s '%s/demo_app-*/_search?q=labels.app:extra&pretty'
                Progress every 2 s (written -> in Kafka -> searchable). Ctrl-C stops everything.

                """, console.url(), DemoConsole.USER, console.password(), logs, kafka.bootstrapServers(), etcdUrl,
                POLICY_KEY, searchUrl, agent.restUrl(), central.restUrl(), node, node, node, node, cli, etcdUrl, logs, cli,
                etcdUrl, POLICY, entry, node);
    }
}
