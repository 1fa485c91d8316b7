package io.logcollect.stack.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A reverse proxy between the sink and the search engine that notes, for every {@code _bulk} request, when it
 * arrived and when its answer went back, with the number of documents it carried: the benchmark's view of
 * "bulk sent" and "bulk acknowledged" on the wire, without instrumenting the sink.
 */
final class BulkTap implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final String upstream;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<long[]> sent = new ArrayList<>();
    private final List<long[]> acknowledged = new ArrayList<>();
    private long documentsSent;
    private long documentsAcknowledged;
    private final List<long[]> requests = new ArrayList<>();

    private BulkTap(String upstream) throws IOException {
        this.upstream = upstream;
        // the JDK server leaves Nagle's algorithm on by default, which holds small answers back on loopback
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    static BulkTap in(String upstream) throws IOException {
        return new BulkTap(upstream);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code {nanoTime, documents sent so far}} at each bulk request's arrival, in arrival order. */
    synchronized List<long[]> sent() {
        return new ArrayList<>(sent);
    }

    /** {@code {nanoTime sent, documents, nanoseconds in the engine}} of each bulk request, in return order. */
    synchronized List<long[]> requests() {
        return new ArrayList<>(requests);
    }

    /** {@code {nanoTime, documents acknowledged so far}} at each bulk answer's return, in return order. */
    synchronized List<long[]> acknowledged() {
        return new ArrayList<>(acknowledged);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean bulk = exchange.getRequestURI().getPath().endsWith("/_bulk");
            int documents = bulk ? documents(body, exchange.getRequestHeaders().getFirst("Content-Encoding")) : 0;
            if (bulk) {
                synchronized (this) {
                    documentsSent += documents;
                    sent.add(new long[] {System.nanoTime(), documentsSent});
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 && !bulk
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            long forwarded = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            long inEngine = System.nanoTime() - forwarded;
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
            if (bulk && response.statusCode() == 200) {
                synchronized (this) {
                    documentsAcknowledged += documents;
                    acknowledged.add(new long[] {System.nanoTime(), documentsAcknowledged});
                    requests.add(new long[] {forwarded, documents, inEngine});
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Action lines in an NDJSON bulk body: each names its action as the first key. */
    private static int documents(byte[] body, String encoding) {
        try (InputStream in = "gzip".equalsIgnoreCase(encoding)
                ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int documents = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("{\"create\"") || line.startsWith("{\"index\"") || line.startsWith("{\"update\"")
                        || line.startsWith("{\"delete\"")) {
                    documents++;
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a bulk body", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
