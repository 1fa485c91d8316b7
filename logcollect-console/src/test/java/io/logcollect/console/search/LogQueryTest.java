package io.logcollect.console.search;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogQueryTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private static LogQuery parse(Map<String, String> single, List<String> filters) {
        return LogQuery.fromParameters(single::get, name -> name.equals("f") ? filters : List.of(), NOW);
    }

    @Test
    void aQuickRangeEndsNowAndUnknownOnesFallBackToFifteenMinutes() {
        LogQuery hour = parse(Map.of("range", "1h"), List.of());
        assertEquals(NOW.minusSeconds(3600), hour.from());
        assertEquals(NOW, hour.to());
        assertEquals(NOW.minusSeconds(900), parse(Map.of("range", "1y"), List.of()).from());
    }

    @Test
    void aRangeLongerThanTheLimitIsNarrowedToItsLastPart() {
        LogQuery month = parse(Map.of("q", "error", "range", "30d"), List.of("host.name:web-1"));
        LogQuery week = month.atMost(java.time.Duration.ofDays(7));
        assertEquals(NOW.minus(java.time.Duration.ofDays(7)), week.from());
        assertEquals(NOW, week.to());
        assertEquals("custom", week.range());
        assertEquals("error", week.text());
        assertEquals(month.filters(), week.filters());
        org.junit.jupiter.api.Assertions.assertSame(week, week.atMost(java.time.Duration.ofDays(7)));
        assertEquals("7 days", LogQuery.label(java.time.Duration.ofDays(7)));
        assertEquals("1 day", LogQuery.label(java.time.Duration.ofDays(1)));
        assertEquals("12 hours", LogQuery.label(java.time.Duration.ofHours(12)));
        assertEquals("90 minutes", LogQuery.label(java.time.Duration.ofMinutes(90)));
        assertEquals(java.time.Duration.ofDays(31), SearchLimits.range("31d"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SearchLimits.range("31"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SearchLimits(1, SearchLimits.range("0d")));
    }

    @Test
    void aCustomRangeIsKeptAndPutInOrder() {
        LogQuery query = parse(Map.of("range", "custom", "from", "2026-12-03T09:00:00Z", "to",
                "2026-12-03T08:00:00Z"), List.of());
        assertEquals(Instant.parse("2026-12-03T08:00:00Z"), query.from());
        assertEquals(Instant.parse("2026-12-03T09:00:00Z"), query.to());
    }

    @Test
    void onlyTheSidebarsFieldsAndLabelsCanBeFiltered() {
        LogQuery query = parse(Map.of(), List.of("host.name:web-1", "-labels.env:prod", "message:x", "nonsense"));
        assertEquals(List.of(new LogQuery.Filter("host.name", "web-1", false),
                new LogQuery.Filter("labels.env", "prod", true)), query.filters());
    }

    @Test
    void aFieldCanBeAskedToExistOrToBeMissing() {
        LogQuery query = parse(Map.of(), List.of("labels.env", "-host.name", "message"));
        assertEquals(List.of(LogQuery.Filter.exists("labels.env", false), LogQuery.Filter.exists("host.name", true)),
                query.filters());
        assertEquals("range=15m&f=labels.env&f=-host.name", query.queryString());
        assertEquals(List.of("labels.env exists", "host.name missing"),
                query.filters().stream().map(LogQuery.Filter::label).toList());
        assertEquals("[{\"range\":{\"@timestamp\":{\"gte\":" + NOW.minusSeconds(900).toEpochMilli() + ",\"lte\":"
                + NOW.toEpochMilli() + ",\"format\":\"epoch_millis\"}}},{\"exists\":{\"field\":\"labels.env\"}}]",
                query.toEngineQuery().at("/bool/filter").toString());
        assertEquals("[{\"exists\":{\"field\":\"host.name\"}}]", query.toEngineQuery().at("/bool/must_not").toString());
        assertEquals(3, query.with(new LogQuery.Filter("host.name", "web-1", false)).filters().size());
    }

    @Test
    void theLayoutTravelsWithTheSearch() {
        LogQuery query = parse(Map.of("cols", " labels.app, log.offset,labels.app,<b>", "view", "compact"), List.of());
        assertEquals(new LogQuery.Layout(List.of("labels.app", "log.offset"), true), query.layout());
        assertEquals("range=15m&cols=labels.app%2Clog.offset&view=compact", query.queryString());
        assertEquals(query.layout(), query.with(LogQuery.Filter.exists("host.name", false)).layout());
        assertEquals(LogQuery.Layout.DEFAULT, parse(Map.of("view", "full"), List.of()).layout());
    }

    @Test
    void theUrlHoldsTheWholeSearchAndPinningMakesTheRangeAbsolute() {
        LogQuery query = parse(Map.of("q", "error & \"time out\"", "mode", "lucene", "range", "1h"),
                List.of("log.file.path:/var/log/a b.log"));
        assertEquals("q=error+%26+%22time+out%22&mode=lucene&range=1h&f=log.file.path%3A%2Fvar%2Flog%2Fa+b.log",
                query.queryString());
        assertEquals("q=error+%26+%22time+out%22&mode=lucene&range=custom&from=2026-12-03T09%3A00%3A00Z"
                + "&to=2026-12-03T10%3A00%3A00Z&f=log.file.path%3A%2Fvar%2Flog%2Fa+b.log", query.pinnedQueryString());
    }

    @Test
    void theEngineQueryFiltersTimeAndFieldsAndSearchesTheMessage() {
        LogQuery simple = parse(Map.of("q", "timeout", "range", "15m"), List.of("host.name:web-1",
                "-labels.env:dev"));
        String json = simple.toEngineQuery().toString();
        assertTrue(json.contains("{\"range\":{\"@timestamp\":{\"gte\":" + NOW.minusSeconds(900).toEpochMilli()
                + ",\"lte\":" + NOW.toEpochMilli() + ",\"format\":\"epoch_millis\"}}}"), json);
        assertTrue(json.contains("\"filter\":[{\"range\"") && json.contains("{\"term\":{\"host.name\":\"web-1\"}}"),
                json);
        assertTrue(json.contains("\"must_not\":[{\"term\":{\"labels.env\":\"dev\"}}]"), json);
        assertTrue(json.contains("\"simple_query_string\":{\"query\":\"timeout\",\"default_operator\":\"and\","
                + "\"lenient\":true,"), json);
        assertTrue(json.contains("\"fields\":[\"message\"]}"), json);
        String lucene = parse(Map.of("q", "status:500", "mode", "lucene"), List.of()).toEngineQuery().toString();
        assertTrue(lucene.contains("\"query_string\":{\"query\":\"status:500\",\"default_field\":\"message\","),
                lucene);
    }

    @Test
    void aCursorThatIsNotOursIsIgnored() {
        String cursor = Hits.encodeCursor(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .arrayNode().add(1L).add(200L).add("id"));
        assertEquals("[1,200,\"id\"]", Hits.decodeCursor(cursor).orElseThrow().toString());
        assertTrue(Hits.decodeCursor("not-base64!").isEmpty());
        assertTrue(Hits.decodeCursor(java.util.Base64.getUrlEncoder().encodeToString("{\"a\":1}".getBytes()))
                .isEmpty());
    }

    /**
     * What one viewer's query may cost the engine: the simple mode takes words, phrases and exclusions, not prefix
     * or fuzzy terms (a one-letter prefix expands to every term of the index); the Lucene mode refuses leading
     * wildcards and bounds regexes and fuzzy terms.
     */
    @Test
    void queriesCannotAskTheEngineForUnboundedWork() {
        com.fasterxml.jackson.databind.JsonNode simple = parse(Map.of("q", "a* err~2 \"x y\" -z"), List.of())
                .toEngineQuery().at("/bool/must/0/simple_query_string");
        assertEquals("AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE", simple.path("flags").asText(), simple.toString());
        com.fasterxml.jackson.databind.JsonNode lucene = parse(Map.of("q", "message:/.*x.*/", "mode", "lucene"),
                List.of()).toEngineQuery().at("/bool/must/0/query_string");
        assertEquals(false, lucene.path("allow_leading_wildcard").asBoolean(true), lucene.toString());
        assertEquals(1000, lucene.path("max_determinized_states").asInt(), lucene.toString());
        assertEquals(10, lucene.path("fuzzy_max_expansions").asInt(), lucene.toString());
    }
}
