package io.logcollect.console.alerts;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.logcollect.console.auth.Role;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Alerts page: what fires and what is pending now, the silences, the rules and the history. */
public final class AlertPages {

    /** History events shown. */
    static final int HISTORY_SHOWN = 100;

    private final AlertStore store;
    private final AlertSettings settings;
    private final Templates templates;

    public AlertPages(AlertStore store, AlertSettings settings, Templates templates) {
        this.store = store;
        this.settings = settings;
        this.templates = templates;
    }

    public void page(Context ctx) {
        AlertBook book = store.load();
        List<AlertStore.Silence> silences = store.silences();
        Map<String, Object> model = new HashMap<>();
        model.put("page", new Page("Alerts", "alerts", Guard.viewer(ctx), Sessions.takeNotice(ctx)));
        model.put("firing", book.alerts().stream().filter(AlertBook.Alert::firing).toList());
        model.put("pending", book.alerts().stream().filter(a -> a.firingSince() == null).toList());
        model.put("silences", silences);
        model.put("silenced", book.alerts().stream().filter(a -> silences.stream().anyMatch(s -> s.matches(a)))
                .map(AlertBook.Alert::subject).toList());
        model.put("history", book.history().stream().limit(HISTORY_SHOWN).toList());
        model.put("rules", List.of(AlertRule.values()));
        model.put("settings", settings);
        templates.render(ctx, "alerts.jte", model);
    }

    public void silence(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String rule = form(ctx, "rule", 64);
        if (!rule.isEmpty()) {
            try {
                AlertRule.ofKey(rule);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse(e.getMessage());
            }
        }
        String subject = form(ctx, "subject", 512);
        Duration duration;
        try {
            duration = AlertSettings.duration(form(ctx, "duration", 16));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("duration: " + e.getMessage());
        }
        if (duration.isZero() || duration.compareTo(Duration.ofDays(30)) > 0) {
            throw new BadRequestResponse("a silence lasts from 1 s to 30 days");
        }
        AlertStore.Silence silence = store.silence(rule, subject, duration, Guard.viewer(ctx).name(),
                form(ctx, "comment", 500), Instant.now());
        Sessions.notice(ctx, "Silenced " + (rule.isEmpty() ? "every rule" : rule) + " for "
                + (subject.isEmpty() ? "every subject" : subject) + " until " + silence.until());
        ctx.redirect("/alerts");
    }

    public void expire(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String id = ctx.pathParam("id");
        if (!id.matches("[0-9a-f]{8}")) {
            throw new BadRequestResponse("no such silence");
        }
        store.expire(id);
        Sessions.notice(ctx, "Ended silence " + id);
        ctx.redirect("/alerts");
    }

    private static String form(Context ctx, String name, int longest) {
        String value = ctx.formParam(name);
        value = value == null ? "" : value.strip();
        if (value.length() > longest) {
            throw new BadRequestResponse(name + " is longer than " + longest + " characters");
        }
        return value;
    }
}
