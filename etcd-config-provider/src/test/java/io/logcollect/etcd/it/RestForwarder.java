package io.logcollect.etcd.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A reverse proxy in front of a Connect worker's REST API, the way many deployments expose it. The provider's
 * {@code connect.rest.url} must be known before the worker starts, and the test kit picks the worker's port when
 * it starts it; the forwarder's port is known first, and its target is set once the worker runs. It also records
 * every request it forwarded, so tests can count restart calls exactly.
 */
final class RestForwarder implements AutoCloseable {

    private final HttpServer server;
    private final String scheme;
    private final String requiredAuthorization;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String target;

    RestForwarder() throws IOException {
        this(null, null, null);
    }

    /**
     * A forwarder served over https with {@code tls} (http when null) that answers 401 to any request without
     * basic-auth {@code username}/{@code password} (none asked when null), as a secured REST API would.
     */
    RestForwarder(SSLContext tls, String username, String password) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(address, 16);
        } else {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        scheme = tls == null ? "http" : "https";
        requiredAuthorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::forward);
        server.start();
    }

    String url() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    void target(String baseUrl) {
        this.target = baseUrl;
    }

    /** Every forwarded request as {@code METHOD path?query}, in arrival order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** The restart requests ({@code POST /connectors/<name>/restart...}) of one connector. */
    long restarts(String connector) {
        return requests.stream().filter(r -> r.startsWith("POST /connectors/" + connector + "/restart")).count();
    }

    private void forward(HttpExchange exchange) throws IOException {
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        try (exchange) {
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            requests.add(exchange.getRequestMethod() + " " + pathAndQuery);
            String to = target;
            if (to == null) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to + pathAndQuery))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().firstValue("Content-Type")
                    .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
