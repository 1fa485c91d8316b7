package io.logcollect.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A small JSON-over-HTTP client for the servers' REST APIs, with optional basic auth and TLS. */
public final class HttpJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient client;
    private final String authorization;

    public HttpJson(String baseUrl) {
        this(baseUrl, null, null, null);
    }

    public HttpJson(String baseUrl, String username, String password, SSLContext sslContext) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.build();
        this.authorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A response: status and body. */
    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body as JSON, failing with the status and body when the status is not 2xx. */
        public JsonNode expectOk() {
            if (!ok()) {
                throw new IllegalStateException("HTTP " + status + ": " + body);
            }
            return body.isEmpty() ? MAPPER.nullNode() : json();
        }
    }

    public Response get(String path) {
        return send("GET", path, null, "application/json");
    }

    public Response delete(String path) {
        return send("DELETE", path, null, "application/json");
    }

    public Response post(String path, Object body) {
        return send("POST", path, body, "application/json");
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body, "application/json");
    }

    public Response send(String method, String path, Object body, String contentType) {
        return send(method, path, body, contentType, Map.of());
    }

    /** Sends a request with extra headers; a body that is not a String is written as JSON. */
    public Response send(String method, String path, Object body, String contentType, Map<String, String> headers) {
        try {
            String text = body == null ? null : body instanceof String s ? s : MAPPER.writeValueAsString(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, text == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
            if (text != null) {
                request.header("Content-Type", contentType);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            headers.forEach(request::header);
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True when {@code GET path} answers 2xx; false on any error, for readiness polling. */
    public boolean answers(String path) {
        try {
            return get(path).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
