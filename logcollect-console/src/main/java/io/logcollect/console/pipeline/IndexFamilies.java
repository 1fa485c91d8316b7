package io.logcollect.console.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The index families the console reads (logs, status, metrics): the daily (or monthly) indices of one name, with
 * how many there are, their documents and size, their oldest and newest day, and the retention the sink that
 * writes them applies ({@code index.retention.days}, of the topic of the same name).
 */
public final class IndexFamilies {

    /** {@code <family>-yyyy.MM.dd}, {@code <family>-yyyy-MM-dd}, {@code <family>-yyyy.MM}. */
    private static final Pattern DATED = Pattern.compile("^(.+)-(\\d{4})[.-](\\d{2})(?:[.-](\\d{2}))?$");
    private static final String RETENTION = "index.retention.days";
    private static final String DEFAULT_RETENTION = "30";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;
    private final String patterns;

    /** {@code patterns}: the index patterns the console reads, comma-separated, exclusions included. */
    public IndexFamilies(RestClient client, String patterns) {
        this.client = client;
        this.patterns = patterns;
    }

    /**
     * @param retentionDays in days, by topic, of the sinks that write them (empty: no known sink writes it)
     */
    public record Family(String name, int indices, long documents, long bytes, Optional<LocalDate> oldestDay,
                         Optional<LocalDate> newestDay, Optional<Integer> retentionDays) {
    }

    /** The families, by name; {@code sinkConfigs}: the configs of the Connect cluster's sink connectors. */
    public List<Family> read(List<Map<String, String>> sinkConfigs) throws IOException {
        Request request = new Request("GET", "/_cat/indices/" + patterns);
        request.addParameter("format", "json");
        request.addParameter("h", "index,docs.count,store.size");
        request.addParameter("bytes", "b");
        JsonNode rows = MAPPER.readTree(EntityUtils.toString(client.performRequest(request).getEntity()));
        Map<String, long[]> sizes = new TreeMap<>();
        Map<String, LocalDate[]> days = new TreeMap<>();
        for (JsonNode row : rows) {
            String index = row.path("index").asText();
            Matcher dated = DATED.matcher(index);
            Optional<LocalDate> day = dated.matches() ? day(dated) : Optional.empty();
            String family = day.isPresent() ? dated.group(1) : index;
            long[] size = sizes.computeIfAbsent(family, f -> new long[3]);
            size[0]++;
            size[1] += row.path("docs.count").asLong();
            size[2] += row.path("store.size").asLong();
            day.ifPresent(d -> {
                LocalDate[] range = days.computeIfAbsent(family, f -> new LocalDate[]{d, d});
                range[0] = d.isBefore(range[0]) ? d : range[0];
                range[1] = d.isAfter(range[1]) ? d : range[1];
            });
        }
        List<Family> families = new ArrayList<>();
        sizes.forEach((family, size) -> {
            LocalDate[] range = days.get(family);
            families.add(new Family(family, (int) size[0], size[1], size[2],
                    Optional.ofNullable(range).map(r -> r[0]), Optional.ofNullable(range).map(r -> r[1]),
                    range == null ? Optional.empty() : retention(family, sinkConfigs)));
        });
        return families;
    }

    private static Optional<LocalDate> day(Matcher dated) {
        try {
            YearMonth month = YearMonth.of(Integer.parseInt(dated.group(2)), Integer.parseInt(dated.group(3)));
            return Optional.of(dated.group(4) == null ? month.atEndOfMonth()
                    : month.atDay(Integer.parseInt(dated.group(4))));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The retention the first sink that consumes the topic named as the family applies to it. */
    static Optional<Integer> retention(String topic, List<Map<String, String>> sinkConfigs) {
        for (Map<String, String> config : sinkConfigs) {
            if (consumes(config, topic)) {
                String days = config.getOrDefault(RETENTION + "." + topic,
                        config.getOrDefault(RETENTION, DEFAULT_RETENTION));
                try {
                    return Optional.of(Integer.parseInt(days.trim()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static boolean consumes(Map<String, String> config, String topic) {
        String topics = config.get("topics");
        if (topics != null && !topics.isBlank()) {
            return List.of(topics.split(",")).stream().map(String::trim).anyMatch(topic::equals);
        }
        String regex = config.get("topics.regex");
        try {
            return regex != null && Pattern.matches(regex, topic);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
