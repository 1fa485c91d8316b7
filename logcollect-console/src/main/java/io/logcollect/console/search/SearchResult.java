package io.logcollect.console.search;

import java.util.List;
import java.util.Optional;

/**
 * One page of a search.
 *
 * @param total     how many documents match (exact)
 * @param lines     this page, newest first
 * @param fields    the sidebar: top values of host.name, log.file.path and every labels.* field
 * @param next      the cursor of the page after this one, if there is one
 * @param pointInTime the point in time the next page is to be read in, if the engine opened one
 * @param error     why the engine refused the query (a Lucene syntax error), shown instead of results
 * @param engineMillis how long the engine took to answer, as the console saw it (the request there and back)
 * @param incomplete  what is missing from the results (failed shards, a timeout), shown above them
 */
public record SearchResult(long total, List<LogLine> lines, List<FieldValues> fields, Optional<String> next,
                           Optional<String> pointInTime, Optional<String> error, double engineMillis,
                           Optional<String> incomplete) {

    /** The most frequent values of a field among the matches. */
    public record FieldValues(String field, List<Count> values) {
    }

    public record Count(String value, long count) {
    }

    static SearchResult refused(String error) {
        return new SearchResult(0, List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.of(error), 0,
                Optional.empty());
    }
}
