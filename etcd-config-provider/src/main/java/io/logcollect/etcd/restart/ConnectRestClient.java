package io.logcollect.etcd.restart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.logcollect.etcd.client.PemFiles;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few calls of the Kafka Connect REST API the restarts need, over http or https (trusting a given PEM CA or
 * the runtime's CAs), with optional basic authentication.
 */
public final class ConnectRestClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    public ConnectRestClient(String baseUrl, String username, String password, Path caFile, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = username == null || username.isEmpty() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        if (caFile != null) {
            builder.sslContext(trusting(caFile));
        }
        this.http = builder.build();
    }

    private static SSLContext trusting(Path caFile) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            X509Certificate[] certificates = PemFiles.certificates(caFile, "connect.rest.tls.ca.file");
            for (int i = 0; i < certificates.length; i++) {
                trusted.setCertificateEntry("ca-" + i, certificates[i]);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("connect.rest.tls.ca.file " + caFile + " cannot be used: " + e.getMessage());
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A failed call: the status (0 when there was no answer) and what the worker said. */
    public static final class RestException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        RestException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The raw config of every connector, by name ({@code GET /connectors?expand=info}). */
    public Map<String, Map<String, String>> connectorConfigs() {
        JsonNode all = get("/connectors?expand=info");
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> connector : all.properties()) {
            Map<String, String> config = new LinkedHashMap<>();
            connector.getValue().path("info").path("config").properties()
                    .forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            configs.put(connector.getKey(), config);
        }
        return configs;
    }

    /** The id ({@code host:port}) of the worker running the connector, when Connect reports one. */
    public Optional<String> connectorWorkerId(String connector) {
        try {
            String id = get("/connectors/" + encode(connector) + "/status").path("connector").path("worker_id").asText("");
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (RestException e) {
            return Optional.empty();
        }
    }

    /**
     * The state of every connector and task the worker knows ({@code GET /connectors?expand=status}), as
     * {@code connector -> [connector state, worker id, then per task: id, state, worker id]} rows.
     */
    public List<StatusRow> statuses() {
        JsonNode all = get("/connectors?expand=status");
        List<StatusRow> rows = new ArrayList<>();
        for (Map.Entry<String, JsonNode> connector : all.properties()) {
            JsonNode status = connector.getValue().path("status");
            rows.add(new StatusRow(connector.getKey(), -1, status.path("connector").path("state").asText(""),
                    status.path("connector").path("worker_id").asText("")));
            for (JsonNode task : status.path("tasks")) {
                rows.add(new StatusRow(connector.getKey(), task.path("id").asInt(), task.path("state").asText(""),
                        task.path("worker_id").asText("")));
            }
        }
        return rows;
    }

    /** A connector ({@code task} -1) or task, its state and the worker running it ({@code host:port}). */
    public record StatusRow(String connector, int task, String state, String workerId) {
    }

    /** The id of the Kafka cluster the worker uses ({@code GET /}). */
    public String kafkaClusterId() {
        return get("/").path("kafka_cluster_id").asText("unknown");
    }

    /** Restarts the connector and all its tasks; returns the HTTP status (2xx) or throws. */
    public int restartWithTasks(String connector) {
        return send("POST", "/connectors/" + encode(connector) + "/restart?includeTasks=true&onlyFailed=false").statusCode();
    }

    private JsonNode get(String path) {
        HttpResponse<String> response = send("GET", path);
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new RestException("GET " + baseUrl + path + " answered with something that is not JSON", 0);
        }
    }

    private HttpResponse<String> send(String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RestException(method + " " + baseUrl + path + " failed: " + e, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(method + " " + baseUrl + path + " interrupted", 0);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body();
            throw new RestException(method + " " + baseUrl + path + " answered HTTP " + response.statusCode() + ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body), response.statusCode());
        }
        return response;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
