package io.logcollect.console.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

import java.util.Map;

/**
 * Renders the pages: JTE templates compiled at build time, with HTML content type, so every {@code ${...}} is
 * escaped for where it stands (text, attribute). Log lines are attacker-controlled and only ever go through it.
 */
public final class Templates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public void render(Context ctx, String template, Map<String, Object> parameters) {
        StringOutput output = new StringOutput();
        engine.render(template, parameters, output);
        ctx.contentType("text/html; charset=utf-8").result(output.toString());
    }
}
