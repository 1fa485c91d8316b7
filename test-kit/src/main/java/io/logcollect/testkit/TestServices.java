package io.logcollect.testkit;

import java.util.Map;

/**
 * The servers shared by every integration test of a JVM, each started on first use and stopped when the
 * JVM exits. Tests give themselves their own topics, indices and keys; a test that needs a server set up
 * differently (security, another worker) starts its own through the server's class.
 */
public final class TestServices {

    private static KafkaBroker kafka;
    private static ConnectWorker connect;
    private static EtcdServer etcd;
    private static OpenSearchNode opensearch;
    private static ElasticsearchNode elasticsearch;

    private TestServices() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.start();
        }
        return kafka;
    }

    /** A distributed Connect worker on the shared broker, with our packaged plugins. */
    public static synchronized ConnectWorker connect() {
        if (connect == null) {
            connect = ConnectWorker.distributed(kafka()).start();
        }
        return connect;
    }

    public static synchronized EtcdServer etcd() {
        if (etcd == null) {
            etcd = EtcdServer.start();
        }
        return etcd;
    }

    public static synchronized OpenSearchNode opensearch() {
        if (opensearch == null) {
            opensearch = OpenSearchNode.start(Map.of());
        }
        return opensearch;
    }

    public static synchronized ElasticsearchNode elasticsearch() {
        if (elasticsearch == null) {
            elasticsearch = ElasticsearchNode.start(Map.of());
        }
        return elasticsearch;
    }
}
