package io.logcollect.console.pipeline;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.logcollect.console.auth.Role;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline page: the central cluster's connectors and tasks, the sink tasks' delivery ledgers, the sink's lag
 * and its dead-letter queue.
 */
public final class PipelinePages {

    private static final Logger log = LoggerFactory.getLogger(PipelinePages.class);

    private final Optional<ConnectCluster> connect;
    private final Optional<SinkBacklog> backlog;
    private final SinkLedgers ledgers;
    private final IndexFamilies indices;
    private final Templates templates;

    public PipelinePages(Optional<ConnectCluster> connect, Optional<SinkBacklog> backlog, SinkLedgers ledgers,
                         IndexFamilies indices, Templates templates) {
        this.connect = connect;
        this.backlog = backlog;
        this.ledgers = ledgers;
        this.indices = indices;
        this.templates = templates;
    }

    public void page(Context ctx) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", new Page("Pipeline", "pipeline", Guard.viewer(ctx), Sessions.takeNotice(ctx)));
        model.put("configured", connect.isPresent());
        List<ConnectCluster.Connector> connectors = List.of();
        String connectError = "";
        if (connect.isPresent()) {
            try {
                connectors = connect.get().connectors();
            } catch (IOException e) {
                connectError = e.getMessage();
            }
        }
        model.put("connectors", connectors);
        model.put("connectError", connectError);
        Optional<SinkBacklog.Backlog> read = Optional.empty();
        String backlogError = "";
        if (backlog.isPresent()) {
            try {
                read = Optional.of(backlog.get().read());
            } catch (IOException e) {
                backlogError = e.getMessage();
            }
        }
        model.put("backlog", read);
        model.put("backlogConfigured", backlog.isPresent());
        model.put("backlogError", backlogError);
        List<SinkLedgers.Ledger> ledgerList = List.of();
        String ledgersError = "";
        try {
            ledgerList = ledgers.read();
        } catch (IOException e) {
            ledgersError = "the search engine did not answer; the console's log has the details";
            log.warn("Cannot read the sink tasks' ledgers: {}", e.toString());
        }
        model.put("ledgers", ledgerList);
        model.put("ledgersError", ledgersError);
        List<IndexFamilies.Family> families = List.of();
        String indicesError = "";
        try {
            families = indices.read(sinkConfigs(connectors));
        } catch (IOException | RuntimeException e) {
            indicesError = "the search engine did not answer; the console's log has the details";
            log.warn("Cannot list the index families: {}", e.toString());
        }
        model.put("families", families);
        model.put("indicesError", indicesError);
        templates.render(ctx, "pipeline.jte", model);
    }

    /** The configs of the cluster's sink connectors, for the retention of each index family; none it cannot read. */
    private List<Map<String, String>> sinkConfigs(List<ConnectCluster.Connector> connectors) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (ConnectCluster.Connector connector : connectors) {
            if (connector.type().equals("sink")) {
                try {
                    configs.add(connect.orElseThrow().config(connector.name()));
                } catch (IOException e) {
                    log.debug("Cannot read the config of {}: {}", connector.name(), e.toString());
                }
            }
        }
        return configs;
    }

    /** POST: restarts one task of a connector (editor). */
    public void restartTask(Context ctx) throws IOException {
        Guard.require(ctx, Role.EDITOR);
        if (connect.isEmpty()) {
            throw new BadRequestResponse("no Connect cluster is configured (connect.rest.url)");
        }
        String connector = ctx.formParam("connector");
        String task = ctx.formParam("task");
        if (connector == null || task == null || !task.matches("\\d{1,5}")) {
            throw new BadRequestResponse("a connector name and a task number are needed");
        }
        connect.get().restartTask(connector, Integer.parseInt(task));
        Sessions.notice(ctx, "Asked Connect to restart task " + task + " of " + connector);
        ctx.redirect("/pipeline");
    }
}
