package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.logcollect.console.search.LogQuery;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The agents page, one agent's page, and its metrics as JSON for the charts. */
public final class AgentPages {

    /** The time ranges offered for the charts. */
    public static final List<String> RANGES = List.of("1h", "6h", "24h", "7d");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AgentDirectory agents;
    private final Templates templates;

    public AgentPages(AgentDirectory agents, Templates templates) {
        this.agents = agents;
        this.templates = templates;
    }

    public void list(Context ctx) throws IOException {
        templates.render(ctx, "agents/list.jte", Map.of("page", page(ctx, "Agents"), "agents", agents.list(),
                "now", Instant.now()));
    }

    public void detail(Context ctx) throws IOException {
        String host = ctx.pathParam("host");
        Agent agent = agents.agent(host).orElseThrow(() -> new NotFoundResponse("no agent on host '" + host + "'"));
        templates.render(ctx, "agents/detail.jte", Map.of("page", page(ctx, "Agent " + host), "agent", agent,
                "range", range(ctx), "now", Instant.now()));
    }

    /** {@code {"time": [s, ...], "cpu": [...], ...}} for uPlot. */
    public void metrics(Context ctx) throws IOException {
        String range = range(ctx);
        Instant to = Instant.now();
        Instant from = to.minus(LogQuery.duration(range));
        Map<String, Object> series = agents.metrics(ctx.pathParam("host"), from, to, choice(ctx, "device"),
                choice(ctx, "interface"));
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(series));
    }

    /** A device or interface name chosen in the page, or null for all. */
    private static String choice(Context ctx, String parameter) {
        String value = ctx.queryParam(parameter);
        return value == null || value.isBlank() || value.length() > 128 ? null : value;
    }

    private static String range(Context ctx) {
        String range = ctx.queryParam("range");
        return range != null && RANGES.contains(range) ? range : "1h";
    }

    private static Page page(Context ctx, String title) {
        return new Page(title, "agents", Guard.viewer(ctx), Sessions.takeNotice(ctx));
    }
}
