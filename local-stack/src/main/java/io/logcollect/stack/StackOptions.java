package io.logcollect.stack;

import java.nio.file.Path;

/**
 * The command line of {@code bin/demo}.
 *
 * @param engine  {@code opensearch} or {@code elasticsearch}, when the stack starts its own search engine
 * @param logs    collect {@code *.log*} below this directory instead of writing demo logs
 * @param kafka   bootstrap servers of an existing Kafka cluster, or null to start one
 * @param etcd    client URL of an existing etcd (plain HTTP, no auth), or null to start one
 * @param search  URL of an existing Elasticsearch/OpenSearch (plain HTTP, no auth), or null to start one
 * @param rate    demo access log lines per second
 * @param minutes stop by itself after this long; 0 runs until Ctrl-C
 * @param cluster start clusters of three (Kafka, etcd, OpenSearch, central workers) instead of single servers
 */
record StackOptions(String engine, Path logs, String kafka, String etcd, String search, int rate, int minutes,
                    int consolePort, boolean cluster) {

    static final String USAGE = """
            usage: bin/demo [--engine opensearch|elasticsearch] [--logs DIR] [--kafka HOST:PORT]
                            [--etcd http://HOST:PORT] [--search http://HOST:PORT] [--rate LINES_PER_S] [--minutes N]
                            [--console-port PORT] [--cluster]
              --engine   search engine to start (default opensearch; elasticsearch runs the 8.19 integ-test build)
              --logs     collect your own *.log* files below DIR instead of the generated demo logs
              --kafka    use this Kafka cluster instead of starting a broker
              --etcd     use this etcd (plain HTTP) instead of starting one
              --search   use this Elasticsearch/OpenSearch (plain HTTP) instead of starting a node
              --rate     demo access log lines per second (default 200)
              --minutes  stop by itself after N minutes (default: run until Ctrl-C)
              --console-port  the web console's port on 127.0.0.1 (default 8470)
              --cluster  production's topology on this machine: three Kafka nodes (replication factor 3,
                         min.insync.replicas 2), three etcd members, three OpenSearch nodes (one replica) and three
                         central workers, with the shipped worker configs (about 11 GB of heap; OpenSearch only)
            """;

    static StackOptions parse(String[] args) {
        String engine = "opensearch";
        Path logs = null;
        String kafka = null;
        String etcd = null;
        String search = null;
        int rate = 200;
        int minutes = 0;
        int consolePort = 8470;
        boolean cluster = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new IllegalArgumentException("");
            }
            if (arg.equals("--cluster")) {
                cluster = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--engine" -> {
                    if (!value.equals("opensearch") && !value.equals("elasticsearch")) {
                        throw new IllegalArgumentException("--engine must be opensearch or elasticsearch, not " + value);
                    }
                    engine = value;
                }
                case "--logs" -> logs = Path.of(value).toAbsolutePath().normalize();
                case "--kafka" -> kafka = value;
                case "--etcd" -> etcd = value;
                case "--search" -> search = value;
                case "--rate" -> rate = positive(arg, value);
                case "--minutes" -> minutes = positive(arg, value);
                case "--console-port" -> consolePort = positive(arg, value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (cluster && engine.equals("elasticsearch")) {
            throw new IllegalArgumentException("--cluster starts OpenSearch nodes; it does not go with --engine"
                    + " elasticsearch");
        }
        return new StackOptions(engine, logs, kafka, etcd, search, rate, minutes, consolePort, cluster);
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive whole number, not " + value);
    }
}
