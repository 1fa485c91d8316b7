package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/** A one-node search engine (OpenSearch or Elasticsearch) in its own process, and its REST API. */
public abstract class SearchNode {

    private final ServiceProcess process;
    private final HttpJson http;

    SearchNode(ServiceProcess process, HttpJson http) {
        this.process = process;
        this.http = http;
    }

    /** {@code opensearch} or {@code elasticsearch}. */
    public abstract String flavor();

    /** Starts the node again after {@link #stop()} or {@link #kill()}, with its data and ports. */
    public void startProcess() {
        process.start(Duration.ofSeconds(180),
                () -> http.answers("/_cluster/health?wait_for_status=yellow&timeout=1s"));
    }

    public void stop() {
        process.stop();
    }

    public void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public ServiceProcess process() {
        return process;
    }

    /** The node's URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return http.baseUrl();
    }

    /** A REST client for the node (authenticated and trusting its certificate when it is secured). */
    public HttpJson http() {
        return http;
    }

    /**
     * The version number of the node. Read from the nodes API: the Elasticsearch integ-test distribution has
     * no {@code GET /}.
     */
    public String version() {
        return http.get("/_nodes/_local?filter_path=nodes.*.version").expectOk().path("nodes").elements().next()
                .path("version").asText();
    }

    /** Sends NDJSON to {@code _bulk} and returns the response, failing unless every item succeeded. */
    public JsonNode bulk(String ndjson) {
        JsonNode response = http.send("POST", "/_bulk", ndjson, "application/x-ndjson").expectOk();
        if (response.path("errors").asBoolean()) {
            throw new IllegalStateException("bulk had item errors: " + response);
        }
        return response;
    }

    public void refresh(String index) {
        http.post("/" + index + "/_refresh", null).expectOk();
    }

    /**
     * The number of documents in an index pattern after a refresh; 0 when nothing matches it. An index the
     * sink has just created answers 503 until its primary shard starts; that is waited out (up to 30 s).
     */
    public long count(String index) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpJson.Response refresh = http.post("/" + index
                    + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
            HttpJson.Response count = refresh.status() == 503 ? refresh
                    : http.get("/" + index + "/_count?ignore_unavailable=true&allow_no_indices=true");
            if (count.status() != 503 || System.nanoTime() > deadline) {
                refresh.expectOk();
                return count.expectOk().path("count").asLong();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Searches with a JSON query body and returns the response. */
    public JsonNode search(String index, Object body) {
        return http.post("/" + index + "/_search", body).expectOk();
    }

    public void deleteIndex(String index) {
        HttpJson.Response response = http.delete("/" + index);
        if (!response.ok() && response.status() != 404) {
            throw new IllegalStateException("cannot delete " + index + ": HTTP " + response.status() + " "
                    + response.body());
        }
    }
}
