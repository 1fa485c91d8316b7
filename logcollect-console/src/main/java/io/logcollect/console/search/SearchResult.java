package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * One page of a search.
 *
 * @param total     how many documents match, counted exactly up to {@link #COUNT_LIMIT}
 * @param lines     this page, newest first
 * @param fields    the sidebar: top values of host.name, log.file.path and every labels.* field
 * @param next      the cursor of the page after this one, if there is one
 * @param pointInTime the point in time the next page is to be read in, if the engine opened one
 * @param error     why the engine refused the query (a Lucene syntax error), shown instead of results
 * @param engineMillis how long the engine took to answer, as the console saw it (the request there and back)
 * @param incomplete  what is missing from the results (failed shards, a timeout), shown above them
 */
public record SearchResult(Total total, List<LogLine> lines, List<FieldValues> fields, Optional<String> next,
                           Optional<String> pointInTime, Optional<String> error, double engineMillis,
                           Optional<String> incomplete) {

    /** How many matches the engine counts exactly at most (its {@code track_total_hits}). */
    static final int COUNT_LIMIT = 100_000;

    /** How many documents match: exactly, or at least {@code value} when the count stopped at the limit. */
    public record Total(long value, boolean exact) {
        static Total of(JsonNode total) {
            if (total.isObject()) {
                return new Total(total.path("value").asLong(), !"gte".equals(total.path("relation").asText()));
            }
            return new Total(total.asLong(), true);
        }

        public String text() {
            return exact ? Long.toString(value) : "more than " + value;
        }
    }

    /** The most frequent values of a field among the matches. */
    public record FieldValues(String field, List<Count> values) {
    }

    public record Count(String value, long count) {
    }

    static SearchResult refused(String error) {
        return new SearchResult(new Total(0, true), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.of(error), 0,
                Optional.empty());
    }
}
