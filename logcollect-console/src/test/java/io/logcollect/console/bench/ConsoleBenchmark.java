package io.logcollect.console.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.console.alerts.AlertSettings;
import io.logcollect.console.ConsoleSettings;
import io.logcollect.console.ConsoleServer;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import io.logcollect.testkit.Workspace;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/benchmark console [documents] [requests]}: indexes documents (default 1,000,000) into a real OpenSearch
 * node, then asks the console for the search page and the histogram, each {@code requests} times (default 200,
 * after a warm-up), and prints the console's time against the engine's part of it (the {@code Server-Timing} the
 * console measures around the same query sent to the engine), the first page's weight, and three exports of
 * every line as CSV.
 */
public final class ConsoleBenchmark {

    private static final String INDEX = "bench_logs-2026.12.03";
    private static final String[] WORDS = {"GET", "POST", "/cart", "/checkout", "/search", "timeout", "error",
            "user", "order", "shipped", "payment", "declined", "retry", "cache", "miss", "200", "404", "500"};

    private ConsoleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        SearchNode search = TestServices.opensearch();
        EtcdServer etcd = TestServices.etcd();
        Instant newest = Instant.now().minusSeconds(60);
        long loadStart = System.nanoTime();
        load(search, documents, newest);
        System.out.printf("indexed %,d documents in %.0f s%n", documents, (System.nanoTime() - loadStart) / 1e9);

        Path users = Workspace.newDirectory("bench-console").resolve("users");
        Files.writeString(users, "bench:viewer:" + BCrypt.withDefaults().hashToString(4, "bench".toCharArray()) + "\n");
        ConsoleServer console = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, users, Optional.empty(), null,
                EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())), "/logcollect/policies", List.of(),
                new ConnectionSettings(List.of(search.url()), null, null, null, null, false, 5_000, 60_000, 8, null,
                        null, null, null, null, null, null, true),
                "*,-logcollect-*,-.*", "logcollect-status-*", "logcollect-metrics-*", Optional.empty(),
                Optional.empty(), "logcollect-sink", "logcollect-dlq", AlertSettings.defaults(), null, false));
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String base = console.url();
        logIn(http, base);

        String range = "&range=custom&from=" + encode(newest.minusSeconds(documents / 10 + 60).toString()) + "&to="
                + encode(newest.plusSeconds(1).toString());
        List<String> queries = List.of("", "timeout", "error payment", "\"order shipped\"");
        Timing page = new Timing();
        Timing histogram = new Timing();
        for (int round = 0; round < 2; round++) {
            boolean measured = round == 1;
            int count = measured ? requests : Math.max(10, requests / 10);
            for (int i = 0; i < count; i++) {
                String query = "q=" + encode(queries.get(i % queries.size())) + range;
                measure(http, base + "/search?" + query, measured ? page : null);
                measure(http, base + "/search/histogram?" + query, measured ? histogram : null);
            }
        }
        long weight = pageWeight(http, base, "/search?q=timeout" + range);
        List<Export> exports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            exports.add(export(http, base + "/search/export?q=" + range + "&format=csv&fields="
                    + encode(String.join(",", io.logcollect.console.search.LogExport.DEFAULT_FIELDS))));
        }
        System.out.printf("%n== console benchmark: %,d documents, %d requests each, one OpenSearch node ==%n",
                documents, requests);
        page.print("search page (50 lines, sidebar)");
        histogram.print("histogram");
        System.out.printf("first search page with its scripts and styles: %,d bytes (goal under 300 KB)%n", weight);
        for (Export export : exports) {
            System.out.printf("export of every line as CSV: %,d lines, %,d bytes in %.1f s: %,.0f lines/s"
                    + " (goal >= 50,000)%n", export.lines(), export.bytes(), export.seconds(),
                    export.lines() / export.seconds());
        }
        console.stop();
    }

    /** Console time and the engine's part of it, per request. */
    private static final class Timing {
        private final List<Double> total = new ArrayList<>();
        private final List<Double> engine = new ArrayList<>();

        void print(String what) {
            double consoleMedian = median(total);
            double engineMedian = median(engine);
            double consoleSum = total.stream().mapToDouble(Double::doubleValue).sum();
            double engineSum = engine.stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("%-34s: console %.1f ms median, the engine's part %.1f ms: overhead %.0f%% "
                            + "(of all requests: %.0f%%)%n", what, consoleMedian, engineMedian,
                    100 * (consoleMedian - engineMedian) / engineMedian, 100 * (consoleSum - engineSum) / engineSum);
        }

        private static double median(List<Double> values) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[sorted.length / 2];
        }
    }

    private static void measure(HttpClient http, String url, Timing timing) throws Exception {
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - started) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        String serverTiming = response.headers().firstValue("Server-Timing").orElseThrow();
        double engine = Double.parseDouble(serverTiming.substring(serverTiming.indexOf("dur=") + 4));
        if (timing != null) {
            timing.total.add(millis);
            timing.engine.add(engine);
        }
    }

    private record Export(long lines, long bytes, double seconds) {
    }

    /** Reads an export to its end as a browser saves it, counting its lines (less the header). */
    private static Export export(HttpClient http, String url) throws Exception {
        long started = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        long lines = -1;
        long bytes = 0;
        try (java.io.InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                bytes += read;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return new Export(lines, bytes, (System.nanoTime() - started) / 1e9);
    }

    private static long pageWeight(HttpClient http, String base, String path) throws Exception {
        String html = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long weight = html.getBytes(StandardCharsets.UTF_8).length;
        Matcher assets = Pattern.compile("(?:src|href)=\"(/(?:static|webjars)/[^\"]+)\"").matcher(html);
        while (assets.find()) {
            weight += http.send(HttpRequest.newBuilder(URI.create(base + assets.group(1))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
        return weight;
    }

    static void logIn(HttpClient http, String base) throws Exception {
        String form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
        if (!token.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + encode(token.group(1))
                        + "&username=bench&password=bench&next=%2Fsearch")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 302) {
            throw new IllegalStateException("login answered " + response.statusCode());
        }
    }

    /** Documents ten a second, newest a minute ago, with words drawn from a small vocabulary. */
    private static void load(SearchNode search, int documents, Instant newest) {
        search.http().put("/" + INDEX, Map.of("settings", Map.of("index.number_of_replicas", 0,
                "index.refresh_interval", "-1"), "mappings", IndexTemplates.logMapping())).expectOk();
        Random random = new Random(42);
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < documents; i++) {
            String[] words = new String[8];
            for (int w = 0; w < words.length; w++) {
                words[w] = WORDS[random.nextInt(WORDS.length)];
            }
            ObjectNode doc = HttpJson.MAPPER.createObjectNode();
            doc.put("@timestamp", newest.minusMillis((long) (documents - 1 - i) * 100).toString());
            doc.put("message", "request " + i + " " + String.join(" ", Arrays.asList(words)));
            doc.putObject("host").put("name", "web-" + (i % 20));
            doc.putObject("log").put("offset", (long) i * 120).putObject("file").put("path",
                    "/var/log/app-" + (i % 5) + ".log");
            doc.putObject("event").put("id", "bench-" + i);
            doc.putObject("labels").put("app", "shop").put("env", i % 3 == 0 ? "prod" : "staging");
            bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"bench-").append(i)
                    .append("\"}}\n").append(doc).append('\n');
            if (bulk.length() > 8_000_000) {
                search.bulk(bulk.toString());
                bulk.setLength(0);
            }
        }
        if (!bulk.isEmpty()) {
            search.bulk(bulk.toString());
        }
        search.http().put("/" + INDEX + "/_settings", Map.of("index.refresh_interval", "1s")).expectOk();
        search.refresh(INDEX);
        search.http().post("/" + INDEX + "/_forcemerge?max_num_segments=1", Map.of());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
