package io.logcollect.console.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.logcollect.console.auth.LoginThrottle;
import io.logcollect.console.auth.UserDirectory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The login form, logging in (throttled) and out. */
public final class LoginPages {

    private final UserDirectory users;
    private final LoginThrottle throttle;
    private final Templates templates;

    public LoginPages(UserDirectory users, LoginThrottle throttle, Templates templates) {
        this.users = users;
        this.throttle = throttle;
        this.templates = templates;
    }

    public void form(Context ctx) {
        render(ctx, Optional.empty());
    }

    public void logIn(Context ctx) {
        String name = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String address = ctx.ip();
        Duration wait = throttle.waitBefore(name, address);
        if (!wait.isZero()) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS);
            render(ctx, Optional.of("Too many failed logins: try again in " + Math.max(1, wait.toSeconds())
                    + " s"));
            return;
        }
        var user = users.authenticate(name, password.toCharArray());
        if (user.isEmpty()) {
            throttle.failed(name, address);
            ctx.status(HttpStatus.UNAUTHORIZED);
            render(ctx, Optional.of("Wrong user name or password"));
            return;
        }
        throttle.succeeded(name);
        Sessions.logIn(ctx, user.get().name());
        ctx.redirect(safeNext(ctx.formParam("next")));
    }

    public void logOut(Context ctx) {
        Sessions.logOut(ctx);
        ctx.redirect("/login");
    }

    private void render(Context ctx, Optional<String> error) {
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", Sessions.csrfToken(ctx));
        model.put("next", safeNext(Optional.ofNullable(ctx.formParam("next")).orElse(ctx.queryParam("next"))));
        model.put("error", error);
        templates.render(ctx, "login.jte", model);
    }

    /** Only a path of this console: never an address elsewhere (an open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.startsWith("/login")) {
            return "/policies";
        }
        return next;
    }
}
