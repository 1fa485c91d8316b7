package io.logcollect.es.client;

import com.sun.net.httpserver.HttpServer;
import io.logcollect.es.bulk.BulkTransport;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.search.client.SearchClients;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the transport puts on the wire, seen by a real HTTP server on 127.0.0.1. */
class RestClientTransportTest {

    private static final byte[] NDJSON = ("{\"create\":{\"_index\":\"web-2026.11.25\",\"_id\":\"a\"}}\n"
            + "{\"message\":\"" + "GET /index.html 200 ".repeat(200) + "\"}\n").getBytes(StandardCharsets.UTF_8);

    private final AtomicReference<String> encoding = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<byte[]> received = new AtomicReference<>();
    private final AtomicReference<byte[]> raw = new AtomicReference<>();
    private final HttpServer server = startServer();

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void withCompressionTheBulkBodyIsGzippedAndTheApiKeyIsSent() throws Exception {
        BulkTransport.Response response = send(settings(true, "aWQ6c2VjcmV0"));
        assertEquals(200, response.status());
        assertEquals("gzip", encoding.get());
        assertEquals("ApiKey aWQ6c2VjcmV0", authorization.get());
        assertArrayEquals(NDJSON, received.get());
        assertTrue(raw.get().length < NDJSON.length / 4, "sent " + raw.get().length + " bytes for " + NDJSON.length);
    }

    @Test
    void withoutCompressionTheBodyIsSentAsIs() throws Exception {
        send(settings(false, null));
        assertNull(encoding.get());
        assertNull(authorization.get());
        assertArrayEquals(NDJSON, raw.get());
    }

    private BulkTransport.Response send(ConnectionSettings settings) throws Exception {
        try (RestClient client = SearchClients.create(settings)) {
            return new RestClientTransport(client).send(NDJSON).get(30, TimeUnit.SECONDS);
        }
    }

    private ConnectionSettings settings(boolean compression, String apiKey) {
        return new ConnectionSettings(List.of("http://127.0.0.1:" + server.getAddress().getPort()), null, null, null,
                apiKey == null ? null : apiKey.toCharArray(), compression, 5000, 5000, 2, null, null, null, null,
                null, null, null, true);
    }

    private HttpServer startServer() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/_bulk", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                raw.set(body);
                encoding.set(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                InputStream in = "gzip".equals(encoding.get())
                        ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body);
                received.set(in.readAllBytes());
                byte[] answer = "{\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
