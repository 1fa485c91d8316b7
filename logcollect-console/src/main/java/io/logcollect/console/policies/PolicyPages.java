package io.logcollect.console.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.logcollect.console.auth.Role;
import io.logcollect.console.web.Guard;
import io.logcollect.console.web.Page;
import io.logcollect.console.web.Sessions;
import io.logcollect.console.web.Templates;
import io.logcollect.console.web.Viewer;
import io.logcollect.etcd.client.Versioned;
import io.logcollect.policies.store.Change;
import io.logcollect.policies.store.PolicyDiff;
import io.logcollect.policies.store.PolicyStore;
import io.logcollect.policies.store.PolicySummary;
import io.logcollect.policies.store.Revision;
import io.logcollect.policies.store.SaveOutcome;
import io.logcollect.policies.store.Validation;
import io.logcollect.policy.EntryError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policies pages: list, view and edit (an entry in a form, or the whole policy as JSON), create, delete,
 * history, diff and rollback. Every change goes through {@link PolicyStore}, the same code as
 * {@code logcollect-policy}: validated by the agents' parser, a compare-and-swap on the revision the editor
 * started from, recorded with its author and comment.
 */
public final class PolicyPages {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PolicyStore store;
    private final Templates templates;

    public PolicyPages(PolicyStore store, Templates templates) {
        this.store = store;
        this.templates = templates;
    }

    /** A row of the list. */
    public record Row(PolicySummary summary, Rollout rollout) {
    }

    /** An entry as the policy page lists it. */
    public record EntryRow(String id, String paths, String topic, String startAt, boolean enabled) {
    }

    public void list(Context ctx) {
        var registrations = store.agents();
        List<Row> rows = store.list().stream()
                .map(s -> new Row(s, Rollout.of(store.entriesKey(s.name()), s.modRevision(), registrations)))
                .toList();
        templates.render(ctx, "policies/list.jte", Map.of("page", page(ctx, "Policies"), "rows", rows));
    }

    public void view(Context ctx) {
        String name = policyName(ctx);
        Versioned current = store.read(name).orElse(null);
        if (current == null) {
            if (store.history(name).isEmpty()) {
                throw new NotFoundResponse("no policy '" + name + "'");
            }
            ctx.redirect("/policies/" + name + "/history");
            return;
        }
        renderPolicy(ctx, name, current, pretty(current.value()), current.modRevision(), Optional.empty());
    }

    /** POST of the whole policy as JSON. */
    public void saveDocument(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String name = policyName(ctx);
        String document = required(ctx, "document");
        long expected = revisionParam(ctx, "expected_revision");
        SaveOutcome outcome = store.save(name, document, expected, change(ctx));
        if (outcome instanceof SaveOutcome.Saved saved) {
            saved(ctx, name, "Saved policy '" + name + "' at revision " + saved.revision());
        } else if (outcome instanceof SaveOutcome.Invalid invalid) {
            renderPolicy(ctx, name, store.read(name).orElse(null), document, expected,
                    Optional.of(invalid.validation()));
        } else {
            conflict(ctx, name, document, (SaveOutcome.Conflict) outcome);
        }
    }

    public void entryForm(Context ctx) {
        String name = policyName(ctx);
        Versioned current = store.read(name).orElseThrow(() -> new NotFoundResponse("no policy '" + name + "'"));
        String id = ctx.pathParam("entry");
        EntryForm form = id.equals("new") ? EntryForm.empty()
                : EntryForm.of(entryById(parse(current.value()), id).orElseThrow(
                        () -> new NotFoundResponse("policy '" + name + "' has no entry '" + id + "'")));
        renderEntry(ctx, name, id, form, current.modRevision(), Map.of(), List.of());
    }

    /** POST of one entry's form: the policy with that entry replaced (or added) is saved. */
    public void saveEntry(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String name = policyName(ctx);
        String id = ctx.pathParam("entry");
        long expected = revisionParam(ctx, "expected_revision");
        EntryForm form = EntryForm.submitted(ctx::formParam);
        Versioned current = store.read(name).orElseThrow(() -> new NotFoundResponse("no policy '" + name + "'"));
        JsonNode document = parse(current.value());
        if (!document.isArray()) {
            renderEntry(ctx, name, id, form, expected, Map.of(), List.of("policy '" + name + "' is not a JSON list "
                    + "of entries now (revision " + current.modRevision() + "): fix it as JSON first"));
            return;
        }
        // the entry goes into the policy as it is now; if that is newer than the one the form came from, the
        // store refuses the save and the conflict page shows the whole policy with this entry, to save or drop
        ArrayNode updated = MAPPER.createArrayNode();
        boolean replaced = false;
        for (JsonNode entry : document) {
            if (!id.equals("new") && id.equals(entry.path("id").asText(null))) {
                updated.add(form.toJson(entry));
                replaced = true;
            } else {
                updated.add(entry);
            }
        }
        if (!replaced) {
            updated.add(form.toJson(null));
        }
        SaveOutcome outcome = store.save(name, updated.toPrettyString(), expected, change(ctx));
        if (outcome instanceof SaveOutcome.Saved saved) {
            saved(ctx, name, "Saved entry '" + form.value("id") + "' of policy '" + name + "' at revision "
                    + saved.revision());
        } else if (outcome instanceof SaveOutcome.Invalid invalid) {
                String entryId = form.value("id");
                Map<String, String> fieldErrors = new HashMap<>();
                List<String> otherErrors = new ArrayList<>();
                invalid.validation().documentError().ifPresent(otherErrors::add);
                for (EntryError error : invalid.validation().entryErrors()) {
                    if (error.entry().equals(entryId) && !error.field().isEmpty()) {
                        fieldErrors.merge(error.field(), error.reason(), (a, b) -> a + "; " + b);
                    } else {
                        otherErrors.add(error.message());
                    }
                }
                renderEntry(ctx, name, id, form, expected, fieldErrors, otherErrors);
        } else {
            conflict(ctx, name, updated.toPrettyString(), (SaveOutcome.Conflict) outcome);
        }
    }

    /** POST of a new policy. */
    public void create(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String name = ctx.formParam("name");
        try {
            PolicyStore.checkName(name == null ? "" : name.strip());
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        name = name.strip();
        String document = Optional.ofNullable(ctx.formParam("document")).filter(d -> !d.isBlank()).orElse("[]");
        SaveOutcome outcome = store.save(name, document, 0, change(ctx));
        if (outcome instanceof SaveOutcome.Saved saved) {
            saved(ctx, name, "Created policy '" + name + "' at revision " + saved.revision());
        } else if (outcome instanceof SaveOutcome.Invalid invalid) {
            renderPolicy(ctx, name, null, document, 0, Optional.of(invalid.validation()));
        } else {
            conflict(ctx, name, document, (SaveOutcome.Conflict) outcome);
        }
    }

    /** POST of a deletion: the operator types the policy's name to confirm. */
    public void delete(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String name = policyName(ctx);
        if (!name.equals(ctx.formParam("confirm"))) {
            Sessions.notice(ctx, "Not deleted: type the policy's name, '" + name + "', to confirm");
            ctx.redirect("/policies/" + name);
            return;
        }
        SaveOutcome outcome = store.delete(name, revisionParam(ctx, "expected_revision"), change(ctx));
        if (outcome instanceof SaveOutcome.Conflict conflict) {
            Sessions.notice(ctx, "Not deleted: policy '" + name + "' changed meanwhile (now revision "
                    + conflict.currentRevision() + "); look at it again first");
            ctx.redirect("/policies/" + name);
            return;
        }
        Sessions.notice(ctx, "Deleted policy '" + name + "'; its history is kept");
        ctx.redirect("/policies");
    }

    public void history(Context ctx) {
        String name = policyName(ctx);
        List<Revision> history = store.history(name);
        if (history.isEmpty() && store.read(name).isEmpty()) {
            throw new NotFoundResponse("no policy '" + name + "'");
        }
        long current = store.read(name).map(Versioned::modRevision).orElse(0L);
        templates.render(ctx, "policies/history.jte", Map.of("page", page(ctx, "History of " + name), "name", name,
                "history", history, "current", current));
    }

    public void diff(Context ctx) {
        String name = policyName(ctx);
        long from = revisionParam(ctx, "from");
        Optional<Versioned> current = store.read(name);
        long to = ctx.queryParam("to") == null || ctx.queryParam("to").isBlank()
                ? current.map(Versioned::modRevision).orElse(0L) : revisionParam(ctx, "to");
        String fromText = entriesAt(name, from);
        String toText = current.filter(c -> c.modRevision() == to).map(Versioned::value)
                .orElseGet(() -> entriesAt(name, to));
        List<String> lines = PolicyDiff.unified(name + "@" + from, fromText, name + "@" + to, toText);
        templates.render(ctx, "policies/diff.jte", Map.of("page", page(ctx, "Changes of " + name), "name", name,
                "from", from, "to", to, "lines", lines));
    }

    /** POST of a rollback: the chosen revision's entries become current as a new revision. */
    public void rollback(Context ctx) {
        Guard.require(ctx, Role.EDITOR);
        String name = policyName(ctx);
        long to = revisionParam(ctx, "revision");
        SaveOutcome outcome;
        try {
            outcome = store.rollback(name, to, revisionParam(ctx, "expected_revision"), change(ctx));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        if (outcome instanceof SaveOutcome.Saved saved) {
            saved(ctx, name, "Rolled policy '" + name + "' back to revision " + to + " as revision "
                    + saved.revision());
        } else if (outcome instanceof SaveOutcome.Invalid invalid) {
            Sessions.notice(ctx, "Not rolled back: revision " + to + " is not valid today: "
                    + String.join("; ", invalid.validation().messages()));
            ctx.redirect("/policies/" + name + "/history");
        } else {
            Sessions.notice(ctx, "Not rolled back: policy '" + name + "' changed meanwhile (now revision "
                    + ((SaveOutcome.Conflict) outcome).currentRevision() + ")");
            ctx.redirect("/policies/" + name + "/history");
        }
    }

    private void renderPolicy(Context ctx, String name, Versioned current, String document, long expected,
                              Optional<Validation> validation) {
        JsonNode parsed = current == null ? MAPPER.createArrayNode() : parse(current.value());
        List<EntryRow> entries = new ArrayList<>();
        if (parsed.isArray()) {
            for (JsonNode entry : parsed) {
                List<String> paths = new ArrayList<>();
                entry.path("paths").forEach(p -> paths.add(p.asText()));
                entries.add(new EntryRow(entry.path("id").asText(""), String.join(", ", paths),
                        entry.path("topic").asText(""), entry.path("start_at").asText("end"),
                        entry.path("enabled").asBoolean(true)));
            }
        }
        Rollout rollout = Rollout.of(store.entriesKey(name), current == null ? 0 : current.modRevision(),
                store.agents());
        Map<String, List<String>> errorsByEntry = new LinkedHashMap<>();
        validation.ifPresent(v -> {
            v.documentError().ifPresent(e -> errorsByEntry.put("", List.of(e)));
            for (EntryError error : v.entryErrors()) {
                errorsByEntry.computeIfAbsent(error.entry(), k -> new ArrayList<>())
                        .add((error.field().isEmpty() ? "" : error.field() + ": ") + error.reason());
            }
        });
        if (validation.isPresent()) {
            ctx.status(422);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(ctx, "Policy " + name));
        model.put("name", name);
        model.put("exists", current != null);
        model.put("entries", entries);
        model.put("document", document);
        model.put("expected", expected);
        model.put("rollout", rollout);
        model.put("errors", errorsByEntry);
        model.put("comment", Optional.ofNullable(ctx.formParam("comment")).orElse(""));
        templates.render(ctx, "policies/view.jte", model);
    }

    private void renderEntry(Context ctx, String name, String id, EntryForm form, long expected,
                             Map<String, String> fieldErrors, List<String> otherErrors) {
        if (!fieldErrors.isEmpty() || !otherErrors.isEmpty()) {
            ctx.status(422);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(ctx, (id.equals("new") ? "New entry of " : "Entry " + id + " of ") + name));
        model.put("name", name);
        model.put("entryId", id);
        model.put("form", form);
        model.put("expected", expected);
        model.put("fieldErrors", fieldErrors);
        model.put("otherErrors", otherErrors);
        model.put("comment", Optional.ofNullable(ctx.formParam("comment")).orElse(""));
        templates.render(ctx, "policies/entry.jte", model);
    }

    private void conflict(Context ctx, String name, String mine, SaveOutcome.Conflict conflict) {
        String theirs = conflict.currentEntries().orElse("");
        List<String> lines = PolicyDiff.unified(name + "@" + conflict.currentRevision() + " (saved meanwhile)",
                theirs, name + " (your change)", mine);
        ctx.status(409);
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(ctx, "Conflict on " + name));
        model.put("name", name);
        model.put("expected", conflict.expectedRevision());
        model.put("current", conflict.currentRevision());
        model.put("lines", lines);
        model.put("mine", pretty(mine));
        templates.render(ctx, "policies/conflict.jte", model);
    }

    private void saved(Context ctx, String name, String notice) {
        Sessions.notice(ctx, notice);
        ctx.redirect("/policies/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    private String entriesAt(String name, long revision) {
        return store.revision(name, revision).map(r -> r.entries().orElse(""))
                .orElseThrow(() -> new NotFoundResponse("policy '" + name + "' has no revision " + revision));
    }

    private static Optional<JsonNode> entryById(JsonNode document, String id) {
        if (document.isArray()) {
            for (JsonNode entry : document) {
                if (id.equals(entry.path("id").asText(null))) {
                    return Optional.of(entry);
                }
            }
        }
        return Optional.empty();
    }

    private static Change change(Context ctx) {
        String comment = Optional.ofNullable(ctx.formParam("comment")).orElse("").strip();
        return Change.now(Guard.viewer(ctx).name(), comment);
    }

    private static String policyName(Context ctx) {
        try {
            return PolicyStore.checkName(ctx.pathParam("policy"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
    }

    private static String required(Context ctx, String field) {
        String value = ctx.formParam(field);
        if (value == null) {
            throw new BadRequestResponse("the form has no '" + field + "'");
        }
        return value;
    }

    private static long revisionParam(Context ctx, String name) {
        String value = ctx.formParam(name) != null ? ctx.formParam(name) : ctx.queryParam(name);
        if (value == null || !value.strip().matches("\\d{1,18}")) {
            throw new BadRequestResponse("'" + name + "' must be a revision number");
        }
        return Long.parseLong(value.strip());
    }

    private static JsonNode parse(String document) {
        try {
            JsonNode node = MAPPER.readTree(document);
            return node == null ? MAPPER.missingNode() : node;
        } catch (JsonProcessingException e) {
            return MAPPER.missingNode();
        }
    }

    private static String pretty(String document) {
        JsonNode node = parse(document);
        return node.isMissingNode() ? document : node.toPrettyString();
    }

    private static Page page(Context ctx, String title) {
        Viewer viewer = Guard.viewer(ctx);
        return new Page(title, "policies", viewer, Sessions.takeNotice(ctx));
    }
}
