package io.logcollect.console.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.console.search.LogLine;
import io.logcollect.console.search.LiveTail;
import io.logcollect.console.search.LogExport;
import io.logcollect.console.search.LogQuery;
import io.logcollect.console.search.LogSearch;
import io.logcollect.console.search.SearchResult;
import io.logcollect.console.search.Segment;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.search.client.SearchClients;
import io.logcollect.testkit.ElasticsearchNode;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.OpenSearchNode;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search page's engine class against every engine the sink supports: OpenSearch 3 and 2, Elasticsearch 7, 8
 * and 9. Each gets the same lines and must give the same pages, highlights, histogram, surrounding lines, tail,
 * Lucene error and export.
 */
class SearchEnginesIT {

    private static final int LINES = 1_200;
    private static final String INDEX = "engines_logs-2026.12.03";

    @Test
    void openSearch3() throws Exception {
        check(TestServices.opensearch(), false);
    }

    @Test
    void openSearch2() throws Exception {
        check(OpenSearchNode.startOpenSearch2(), true);
    }

    @Test
    void elasticsearch7() throws Exception {
        check(ElasticsearchNode.startMajor(7), true);
    }

    @Test
    void elasticsearch8() throws Exception {
        check(TestServices.elasticsearch(), false);
    }

    @Test
    void elasticsearch9() throws Exception {
        check(ElasticsearchNode.startMajor(9), true);
    }

    private static void check(SearchNode node, boolean stopAfter) throws Exception {
        Instant newest = Instant.now().minusSeconds(30);
        try (RestClient client = SearchClients.create(settings(node))) {
            node.http().put("/" + INDEX, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                ObjectNode doc = HttpJson.MAPPER.createObjectNode();
                doc.put("@timestamp", newest.minusSeconds(LINES - 1 - i).toString());
                doc.put("message", "engine line " + i + (i % 100 == 0 ? " timeout" : ""));
                doc.putObject("host").put("name", "web-1");
                doc.putObject("log").put("offset", i * 100L).putObject("file").put("path", "/var/log/engine.log")
                        .put("inode", "4711").put("device_id", "2049").put("fingerprint", "current");
                doc.putObject("event").put("id", "line-" + i);
                doc.putObject("labels").put("app", "engines");
                bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"line-").append(i)
                        .append("\"}}\n").append(doc).append('\n');
            }
            // the generation before a rotation: the same host and path, offsets between the current file's
            for (int i = 590; i < 610; i++) {
                ObjectNode doc = HttpJson.MAPPER.createObjectNode();
                doc.put("@timestamp", newest.minusSeconds(LINES - 1 - i).toString());
                doc.put("message", "rotated away " + i);
                doc.putObject("host").put("name", "web-1");
                doc.putObject("log").put("offset", i * 100L + 50).putObject("file").put("path", "/var/log/engine.log")
                        .put("inode", "4712").put("device_id", "2049").put("fingerprint", "previous");
                doc.putObject("event").put("id", "old-" + i);
                bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"old-").append(i)
                        .append("\"}}\n").append(doc).append('\n');
            }
            // lines for the live tail, which follows the time they reached the engine: one arrives late, with a
            // time two hours old
            String[] tailLines = {"tailed 0", "tailed 1", "tailed late", "tailed 2", "tailed 3"};
            long[] ingestedAgo = {3000, 2000, 1500, 1000, 0};
            for (int i = 0; i < tailLines.length; i++) {
                ObjectNode doc = HttpJson.MAPPER.createObjectNode();
                Instant ingested = newest.minusMillis(ingestedAgo[i]);
                doc.put("@timestamp", (tailLines[i].contains("late") ? newest.minusSeconds(7200) : ingested)
                        .toString());
                doc.put("message", tailLines[i]);
                doc.putObject("host").put("name", "web-2");
                doc.putObject("event").put("id", "tailed-" + i);
                doc.put("event.ingested", ingested.toString());
                bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"tailed-").append(i)
                        .append("\"}}\n").append(doc).append('\n');
            }
            node.bulk(bulk.toString());
            node.refresh(INDEX);
            LogSearch search = new LogSearch(client, "*,-logcollect-*,-.*");
            LogQuery all = query(Map.of("q", "engine", "range", "24h"));

            List<String> paged = new ArrayList<>();
            SearchResult page = search.search(all, 500, Optional.empty(), Optional.empty(), "engines");
            assertEquals(LINES, page.total().value());
            assertEquals(List.of("labels.app"), page.fields().stream().map(SearchResult.FieldValues::field)
                    .filter(f -> f.startsWith("labels.")).toList());
            boolean pointInTime = false;
            while (true) {
                page.lines().forEach(line -> paged.add(text(line)));
                if (page.next().isEmpty()) {
                    break;
                }
                page = search.search(all, 500, page.next(), page.pointInTime(), "engines");
                pointInTime |= page.pointInTime().isPresent();
            }
            List<String> expected = new ArrayList<>();
            for (int i = LINES - 1; i >= 0; i--) {
                expected.add("engine line " + i + (i % 100 == 0 ? " timeout" : ""));
            }
            assertEquals(expected, paged, node.flavor() + " " + node.version());
            System.out.printf("%s %s: %d pages read, in a point in time: %s%n", node.flavor(), node.version(),
                    (LINES + 499) / 500, pointInTime);

            // the export: every line, newest first, read in time windows
            ByteArrayOutputStream export = new ByteArrayOutputStream();
            assertEquals(LINES, search.export().write(all, List.of("message"), LogExport.Format.CSV, 1_000_000,
                    export));
            List<String> exportExpected = new ArrayList<>(List.of("message"));
            exportExpected.addAll(expected);
            assertEquals(exportExpected, List.of(export.toString(StandardCharsets.UTF_8).split("\n")),
                    node.flavor() + " " + node.version());

            SearchResult timeouts = search.search(query(Map.of("q", "timeout", "range", "24h")), 50,
                    Optional.empty(), Optional.empty(), "engines");
            assertEquals(LINES / 100, timeouts.total().value());
            assertEquals(new Segment("timeout", true), timeouts.lines().get(0).segments().get(1));

            LogSearch.Histogram histogram = search.histogram(all);
            assertEquals(LINES, histogram.buckets().stream().mapToLong(LogSearch.Histogram.Bucket::count).sum());

            LogSearch.Surrounding around = search.surrounding(INDEX, "line-600", 5).orElseThrow();
            assertEquals(List.of("engine line 595", "engine line 596", "engine line 597", "engine line 598",
                    "engine line 599"), around.before().stream().map(SearchEnginesIT::text).toList());
            assertEquals(List.of("engine line 601", "engine line 602"),
                    around.after().stream().limit(2).map(SearchEnginesIT::text).toList());

            // the tail starts LiveTail.SETTLE before it is opened, and shows lines in the order they reached
            // the engine, the late one included; a poll shows what reached it up to TAIL_SETTLE ago, and the next
            // poll goes on from there without repeating a line
            LogQuery tailed = query(Map.of("q", "tailed", "range", "15m"));
            LiveTail.Poll start = search.tail(tailed, Optional.empty(),
                    newest.minusMillis(2500).plus(LiveTail.SETTLE), 100);
            LiveTail.Poll first = search.tail(tailed, Optional.of(start.cursor()),
                    newest.minusSeconds(1).plus(LiveTail.SETTLE), 100);
            assertEquals(List.of("tailed 1", "tailed late", "tailed 2"),
                    first.lines().stream().map(SearchEnginesIT::text).toList());
            LiveTail.Poll second = search.tail(tailed, Optional.of(first.cursor()), Instant.now(), 100);
            assertEquals(List.of("tailed 3"), second.lines().stream().map(SearchEnginesIT::text).toList());
            assertEquals(List.of(), search.tail(tailed, Optional.of(second.cursor()), Instant.now(), 100).lines());

            SearchResult refused = search.search(query(Map.of("q", "message:(", "mode", "lucene", "range", "24h")),
                    50, Optional.empty(), Optional.empty(), "engines");
            assertTrue(refused.error().isPresent() && !refused.error().get().isBlank(), refused.toString());
        } finally {
            if (stopAfter) {
                node.stop();
            } else {
                node.deleteIndex(INDEX);
            }
        }
    }

    private static String text(LogLine line) {
        StringBuilder text = new StringBuilder();
        line.segments().forEach(segment -> text.append(segment.text()));
        return text.toString();
    }

    private static LogQuery query(Map<String, String> parameters) {
        return LogQuery.fromParameters(parameters::get, name -> List.of(), Instant.now());
    }

    private static ConnectionSettings settings(SearchNode node) {
        return new ConnectionSettings(List.of(node.url()), null, null, null, null, false, 5_000, 30_000, 4, null,
                null, null, null, null, null, null, true);
    }
}
