package io.logcollect.console.search;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.search.client.ConnectionSettings;
import io.logcollect.search.client.SearchClients;
import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.SearchNode;
import io.logcollect.testkit.TestServices;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An export read in small pages against a real engine, over lines spread as logs are: a burst sharing one
 * millisecond (more than several pages), a run one millisecond apart, sparse lines hours apart with a gap of days,
 * and lines just outside the range. Every line of the range must come out once, newest first.
 */
class LogExportIT {

    private static final String INDEX = "export_windows-2026.12.04";
    private static final int PAGE = 100;

    @Test
    void openSearch() throws Exception {
        check(TestServices.opensearch());
    }

    @Test
    void elasticsearch() throws Exception {
        check(TestServices.elasticsearch());
    }

    private static void check(SearchNode node) throws Exception {
        Instant to = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        Instant from = to.minus(Duration.ofDays(30));
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            times.add(from.plus(Duration.ofHours(i)));
        }
        for (int i = 0; i < 1_000; i++) {
            times.add(to.minus(Duration.ofHours(30)).plusMillis(i));
        }
        Instant burst = to.minus(Duration.ofMinutes(10));
        for (int i = 0; i < 450; i++) {
            times.add(burst);
        }
        times.add(to);
        // the search's range is inclusive at both ends: these two are just outside it
        List<Instant> outside = List.of(from.minusMillis(1), to.plusMillis(1));

        try (RestClient client = SearchClients.create(new ConnectionSettings(List.of(node.url()), null, null, null,
                null, false, 5_000, 30_000, 4, null, null, null, null, null, null, null, true))) {
            node.http().put("/" + INDEX, Map.of("mappings", IndexTemplates.logMapping())).expectOk();
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < times.size(); i++) {
                bulk.append(line(i, times.get(i), "exported line " + i));
            }
            for (int i = 0; i < outside.size(); i++) {
                bulk.append(line(times.size() + i, outside.get(i), "outside line " + i));
            }
            node.bulk(bulk.toString());
            node.refresh(INDEX);

            LogQuery query = LogQuery.fromParameters(Map.of("q", "line", "range", "custom", "from", from.toString(),
                    "to", to.toString())::get, name -> List.of(), Instant.now());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long written = new LogSearch(client, INDEX).export(PAGE).write(query, List.of("message"),
                    LogExport.Format.NDJSON, 1_000_000, out);

            // newest first, and within one millisecond by offset, which grows with the line's number here
            List<String> expected = new ArrayList<>();
            for (int i = times.size() - 1; i >= 0; i--) {
                expected.add("{\"message\":\"exported line " + indexByTime(times).get(i) + "\"}");
            }
            List<String> exported = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
            assertEquals(times.size(), written);
            for (int i = 0; i < Math.min(expected.size(), exported.size()); i++) {
                assertEquals(expected.get(i), exported.get(i), node.flavor() + ": line " + i + " of the export");
            }
            assertEquals(expected.size(), exported.size(), node.flavor() + ": lines exported");
        } finally {
            node.deleteIndex(INDEX);
        }
    }

    /** The lines' numbers, oldest first, as the engine sorts them: by time, then offset. */
    private static List<Integer> indexByTime(List<Instant> times) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            numbers.add(i);
        }
        numbers.sort((a, b) -> times.get(a).equals(times.get(b)) ? Integer.compare(a, b)
                : times.get(a).compareTo(times.get(b)));
        return numbers;
    }

    private static String line(int number, Instant time, String message) {
        ObjectNode doc = HttpJson.MAPPER.createObjectNode();
        doc.put("@timestamp", time.toString());
        doc.put("message", message);
        doc.putObject("host").put("name", "web-1");
        doc.putObject("log").put("offset", number * 100L).putObject("file").put("path", "/var/log/export.log");
        doc.putObject("event").put("id", "line-" + number);
        return "{\"index\":{\"_index\":\"" + INDEX + "\",\"_id\":\"line-" + number + "\"}}\n" + doc + "\n";
    }
}
