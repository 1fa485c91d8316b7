package io.logcollect.console.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.console.ConsoleSettings;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The central Connect cluster's REST API: connectors with their tasks' states, and restarting a task. */
public final class ConnectCluster {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final Optional<String> authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public ConnectCluster(ConsoleSettings.ConnectCluster settings) {
        String url = settings.url().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.authorization = Optional.ofNullable(settings.username()).map(user -> {
            char[] password = settings.password() == null ? new char[0] : settings.password();
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(user + ":" + new String(password)));
            byte[] raw = Arrays.copyOf(bytes.array(), bytes.limit());
            return "Basic " + Base64.getEncoder().encodeToString(raw);
        });
    }

    /** A connector and its tasks. */
    public record Connector(String name, String type, String state, String workerId, Optional<String> trace,
                            List<Task> tasks) {
        public boolean healthy() {
            return state.equals("RUNNING") && tasks.stream().allMatch(t -> t.state().equals("RUNNING"));
        }
    }

    /** A task: its state and, when it failed, the trace Connect keeps. */
    public record Task(int id, String state, String workerId, Optional<String> trace) {
    }

    public List<Connector> connectors() throws IOException {
        JsonNode all = get("connectors?expand=status&expand=info");
        List<Connector> connectors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : all.properties()) {
            JsonNode status = entry.getValue().path("status");
            List<Task> tasks = new ArrayList<>();
            for (JsonNode task : status.path("tasks")) {
                tasks.add(new Task(task.path("id").asInt(), task.path("state").asText(),
                        task.path("worker_id").asText(""), text(task.path("trace"))));
            }
            JsonNode connector = status.path("connector");
            connectors.add(new Connector(entry.getKey(), status.path("type").asText(""),
                    connector.path("state").asText("UNKNOWN"), connector.path("worker_id").asText(""),
                    text(connector.path("trace")), tasks));
        }
        connectors.sort(java.util.Comparator.comparing(Connector::name));
        return connectors;
    }

    /** A connector's configuration (the keys as given; the caller must not show it: it can hold secrets). */
    public Map<String, String> config(String connector) throws IOException {
        Map<String, String> config = new TreeMap<>();
        get("connectors/" + encode(connector) + "/config").properties()
                .forEach(entry -> config.put(entry.getKey(), entry.getValue().asText()));
        return config;
    }

    public void restartTask(String connector, int task) throws IOException {
        send(HttpRequest.newBuilder(base.resolve("connectors/" + encode(connector) + "/tasks/" + task + "/restart"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode get(String path) throws IOException {
        return MAPPER.readTree(send(HttpRequest.newBuilder(base.resolve(path)).GET()));
    }

    private String send(HttpRequest.Builder builder) throws IOException {
        builder.timeout(TIMEOUT).header("Accept", "application/json");
        authorization.ifPresent(value -> builder.header("Authorization", value));
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                String message = "";
                try {
                    message = MAPPER.readTree(response.body()).path("message").asText("");
                } catch (IOException e) {
                    message = "";
                }
                throw new IOException("Connect REST API at " + base + " answered " + response.statusCode()
                        + (message.isEmpty() ? "" : ": " + message));
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the Connect REST API", e);
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
