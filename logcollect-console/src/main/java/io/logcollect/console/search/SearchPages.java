package io.logcollect.console.search;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.logcollect.console.auth.Role;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;
import io.logcollect.console.web.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The search page and what it loads: histogram data, one document, surrounding lines, live tail, exports. */
public final class SearchPages {

    static final int PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 500;
    /** The page sizes the search bar offers; a URL may ask for any from 10 to {@value #MAX_PAGE_SIZE}. */
    public static final List<Integer> PAGE_SIZES = List.of(PAGE_SIZE, 100, 200, MAX_PAGE_SIZE);
    private static final int SURROUNDING = 20;
    private static final int TAIL_LIMIT = 200;
    private static final java.time.format.DateTimeFormatter EXPORT_STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);

    /** How long the page waits for the saved searches after its search is done. */
    static final Duration SAVED_WAIT = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(SearchPages.class);

    /** Searches one user may have running at once: half the console's connections to the engine. */
    static final int SEARCHES_PER_USER = 4;

    private final LogSearch search;
    private final Templates templates;
    private final SearchSlots slots = new SearchSlots(SEARCHES_PER_USER, Duration.ofSeconds(5));
    private final SearchLimits limits;
    private final SavedSearches saved;

    public SearchPages(LogSearch search, Templates templates, SearchLimits limits, SavedSearches saved) {
        this.search = search;
        this.templates = templates;
        this.limits = limits;
        this.saved = saved;
    }

    public void page(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            CompletableFuture<List<SavedSearches.SavedSearch>> savedSearches =
                    saved.readVisibleTo(Guard.viewer(ctx).name());
            LogQuery asked = LogQuery.fromParameters(ctx::queryParam, ctx::queryParams, Instant.now());
            LogQuery query = limited(ctx, asked);
            Optional<String> after = Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank());
            int size = size(ctx);
            Optional<String> pointInTime = Optional.ofNullable(ctx.queryParam("pit")).filter(p -> !p.isBlank());
            SearchResult result = search.search(query, size, after, pointInTime, ctx.req().getSession().getId());
            if (result.error().isPresent()) {
                ctx.status(400);
            }
            // the histogram comes with the page, so it is drawn before the lines show, not after a second request
            Optional<LogSearch.Histogram> histogram = result.error().isPresent() ? Optional.empty()
                    : Optional.of(search.histogram(query));
            serverTiming(ctx, result.engineMillis() + histogram.map(LogSearch.Histogram::engineMillis).orElse(0.0));
            Map<String, Object> model = new HashMap<>();
            model.put("histogramJson", histogram.map(SearchPages::histogramJson).orElse(""));
            model.put("page", page(ctx, "Search"));
            model.put("query", query);
            model.put("result", result);
            model.put("paged", after.isPresent());
            model.put("size", size);
            model.put("live", "1".equals(ctx.queryParam("live")));
            model.put("tailCursor", search.tail(query, Optional.empty(), Instant.now(), 0).cursor());
            model.put("exportMaxLines", limits.exportMaxLines());
            model.put("saved", shown(savedSearches));
            model.put("narrowedTo", query != asked ? Optional.of(LogQuery.label(limits.maxRange()))
                    : Optional.<String>empty());
            templates.render(ctx, "search/page.jte", model);
        }
    }

    /**
     * The saved searches read beside the search, or none when etcd did not answer within {@link #SAVED_WAIT}: the
     * page then says so, and the lines are shown all the same.
     */
    private static Optional<List<SavedSearches.SavedSearch>> shown(
            CompletableFuture<List<SavedSearches.SavedSearch>> reading) {
        try {
            return Optional.of(reading.get(SAVED_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            log.warn("saved searches not shown on the search page: {}", cause.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The histogram's buckets as JSON, for the chart: {@code {"interval": ms, "buckets": [[start, count], ...]}}. */
    public void histogram(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            LogSearch.Histogram histogram = search.histogram(query(ctx));
            serverTiming(ctx, histogram.engineMillis());
            ctx.contentType("application/json").result(histogramJson(histogram));
        }
    }

    public void document(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            LogSearch.Document document = search.document(param(ctx, "index"), param(ctx, "id"))
                    .orElseThrow(() -> new NotFoundResponse("no such document"));
            templates.render(ctx, "search/document.jte", Map.of("page", page(ctx, "Document"), "document", document));
        }
    }

    public void surrounding(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            LogSearch.Surrounding surrounding = search.surrounding(param(ctx, "index"), param(ctx, "id"), SURROUNDING)
                    .orElseThrow(() -> new NotFoundResponse("no such document"));
            templates.render(ctx, "search/surrounding.jte", Map.of("page", page(ctx, "Surrounding lines"),
                    "surrounding", surrounding));
        }
    }

    /** Lines newer than the cursor, newest first, and the poller that asks for the next ones (htmx fragment). */
    public void tail(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            LogQuery query = query(ctx);
            LiveTail.Poll tail = search.tail(query, Optional.ofNullable(ctx.queryParam("cursor")), Instant.now(),
                    TAIL_LIMIT);
            List<LogLine> newestFirst = new java.util.ArrayList<>(tail.lines());
            java.util.Collections.reverse(newestFirst);
            templates.render(ctx, "search/tail.jte", Map.of("query", query, "lines", newestFirst, "cursor",
                    tail.cursor()));
        }
    }

    /**
     * The search's lines as a file, CSV or NDJSON, with the fields asked for, at most the admin's limit; streamed
     * while the engine is read. The time range is the one the page showed ({@code from}/{@code to}).
     */
    public void export(Context ctx) throws IOException {
        try (SearchSlots.Slot slot = slots.take(Guard.viewer(ctx).name())) {
            LogQuery query = query(ctx);
            List<String> fields;
            try {
                fields = LogExport.fields(ctx.queryParam("fields"));
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse(e.getMessage());
            }
            String formatName = Optional.ofNullable(ctx.queryParam("format")).orElse("csv");
            LogExport.Format format = switch (formatName) {
                case "csv" -> LogExport.Format.CSV;
                case "ndjson" -> LogExport.Format.NDJSON;
                default -> throw new BadRequestResponse("format must be csv or ndjson");
            };
            ctx.contentType(format.contentType());
            ctx.header("Content-Disposition", "attachment; filename=\"logcollect-"
                    + EXPORT_STAMP.format(Instant.now()) + "." + format.extension() + "\"");
            try (OutputStream out = new BufferedOutputStream(ctx.outputStream(), 1 << 16)) {
                search.export().write(query, fields, format, limits.exportMaxLines(), out);
            }
        }
    }

    /** Saves the search in the form (its own range, relative or not) by name, for the user or for everyone. */
    public void save(Context ctx) {
        Viewer viewer = Guard.viewer(ctx);
        LogQuery query = LogQuery.fromParameters(ctx::formParam, ctx::formParams, Instant.now());
        try {
            SavedSearches.SavedSearch search = saved.save(viewer.name(), ctx.formParam("name"), query,
                    "1".equals(ctx.formParam("shared")));
            Sessions.notice(ctx, "Saved the search '" + search.name() + "'" + (search.shared() ? " for everyone" : ""));
        } catch (IllegalArgumentException e) {
            Sessions.notice(ctx, "Not saved: " + e.getMessage());
        }
        ctx.redirect("/search?" + query.queryString());
    }

    /** Deletes a saved search: one's own, or a shared one as its owner or an admin. */
    public void deleteSaved(Context ctx) {
        Viewer viewer = Guard.viewer(ctx);
        SavedSearches.SavedSearch search = saved.find(viewer.name(), ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundResponse("no such saved search"));
        if (!search.owner().equals(viewer.name()) && !viewer.canAdminister()) {
            throw new ForbiddenResponse("only its owner or an admin may delete the shared search '" + search.name()
                    + "'");
        }
        saved.delete(search);
        Sessions.notice(ctx, "Deleted the saved search '" + search.name() + "'");
        ctx.redirect("/search?" + search.query());
    }

    private static String histogramJson(LogSearch.Histogram histogram) {
        long[][] buckets = histogram.buckets().stream().map(b -> new long[] {b.start(), b.count()})
                .toArray(long[][]::new);
        return LogSearch.json(Map.of("interval", histogram.intervalMillis(), "buckets", buckets));
    }

    /** The engine's part of the answer, for the browser's developer tools and the benchmark. */
    private static void serverTiming(Context ctx, double engineMillis) {
        ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "engine;dur=%.1f", engineMillis));
    }

    /** Lines per page: {@value #PAGE_SIZE} unless the URL asks for 10 to {@value #MAX_PAGE_SIZE}. */
    private static int size(Context ctx) {
        String size = ctx.queryParam("size");
        if (size == null || !size.matches("\\d{1,4}")) {
            return PAGE_SIZE;
        }
        return Math.max(10, Math.min(MAX_PAGE_SIZE, Integer.parseInt(size)));
    }

    private LogQuery query(Context ctx) {
        return limited(ctx, LogQuery.fromParameters(ctx::queryParam, ctx::queryParams, Instant.now()));
    }

    /** For a viewer or editor, the search over at most the admin's longest range (itself when not longer). */
    private LogQuery limited(Context ctx, LogQuery asked) {
        return Guard.viewer(ctx).role() == Role.ADMIN ? asked : asked.atMost(limits.maxRange());
    }

    private static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new BadRequestResponse("'" + name + "' is missing");
        }
        return value;
    }

    private static Page page(Context ctx, String title) {
        return new Page(title, "search", Guard.viewer(ctx), Sessions.takeNotice(ctx));
    }
}
