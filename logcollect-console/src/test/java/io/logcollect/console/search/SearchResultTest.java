package io.logcollect.console.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SearchResultTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The engine counts matches exactly up to a limit, so a viewer's search never counts a billion lines. */
    @Test
    void aTotalPastTheCountingLimitIsShownAsMoreThanIt() throws IOException {
        assertEquals("12000", SearchResult.Total.of(MAPPER.readTree("{\"value\":12000,\"relation\":\"eq\"}")).text());
        assertEquals("more than 100000",
                SearchResult.Total.of(MAPPER.readTree("{\"value\":100000,\"relation\":\"gte\"}")).text());
        assertEquals("42", SearchResult.Total.of(MAPPER.readTree("42")).text(), "Elasticsearch 6's plain number");
    }
}
