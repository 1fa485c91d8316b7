package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.logcollect.console.auth.Role;
import io.logcollect.console.search.LogQuery;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The agents page, one agent's page, and its metrics as JSON for the charts. */
public final class AgentPages {

    /** The time ranges offered for the charts. */
    public static final List<String> RANGES = List.of("15m", "1h", "6h", "24h", "7d");
    /** Hosts on one page of the list. */
    static final int PAGE_SIZE = 50;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AgentDirectory agents;
    private final Templates templates;

    public AgentPages(AgentDirectory agents, Templates templates) {
        this.agents = agents;
        this.templates = templates;
    }

    public void list(Context ctx) throws IOException {
        String query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        AgentState state = AgentState.ofKey(ctx.queryParam("state"));
        List<Agent> all = agents.list();
        Map<AgentState, Long> counts = new EnumMap<>(AgentState.class);
        all.forEach(agent -> counts.merge(agent.state(), 1L, Long::sum));
        List<Agent> matching = all.stream()
                .filter(agent -> query.isEmpty() || agent.host().toLowerCase(Locale.ROOT)
                        .contains(query.toLowerCase(Locale.ROOT)))
                .filter(agent -> state == null || agent.state() == state)
                .toList();
        int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int number = Math.min(pages, Math.max(1, parsePage(ctx.queryParam("page"))));
        List<Agent> shown = matching.subList((number - 1) * PAGE_SIZE, Math.min(matching.size(), number * PAGE_SIZE));
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(ctx, "Agents"));
        model.put("agents", shown);
        model.put("counts", counts);
        model.put("total", all.size());
        model.put("matching", matching.size());
        model.put("query", query);
        model.put("state", state == null ? "" : state.key());
        model.put("number", number);
        model.put("pages", pages);
        templates.render(ctx, "agents/list.jte", model);
    }

    /** Forgets an offline host (admin): it leaves the page unless one of its workers registers again. */
    public void forget(Context ctx) throws IOException {
        Guard.require(ctx, Role.ADMIN);
        String host = ctx.pathParam("host");
        Agent agent = agents.agent(host).orElseThrow(() -> new NotFoundResponse("no agent on host '" + host + "'"));
        if (agent.online()) {
            throw new BadRequestResponse("host '" + host + "' has a registered worker; only an offline host can be"
                    + " forgotten");
        }
        agents.forget(host);
        Sessions.notice(ctx, "Forgot host '" + host + "'");
        ctx.redirect("/agents");
    }

    private static int parsePage(String text) {
        return text != null && text.matches("\\d{1,6}") ? Integer.parseInt(text) : 1;
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
