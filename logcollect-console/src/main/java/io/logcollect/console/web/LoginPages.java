package io.logcollect.console.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.logcollect.console.auth.LoginThrottle;
import io.logcollect.console.auth.UserDirectory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The login form, logging in (throttled) and out. */
public final class LoginPages {

    private static final Pattern SAFE_PATH = Pattern.compile("/(?![/\\\\])[\\x21-\\x5b\\x5d-\\x7e]*");

    private final UserDirectory users;
    private final LoginThrottle throttle;
    private final Templates templates;
    private final boolean secureCookies;

    public LoginPages(UserDirectory users, LoginThrottle throttle, Templates templates, boolean secureCookies) {
        this.users = users;
        this.throttle = throttle;
        this.templates = templates;
        this.secureCookies = secureCookies;
    }

    public void form(Context ctx) {
        render(ctx, Optional.empty());
    }

    public void logIn(Context ctx) {
        String name = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String address = ctx.ip();
        Duration wait = throttle.attempt(name, address);
        if (!wait.isZero()) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS);
            render(ctx, Optional.of("Too many failed logins: try again in " + Math.max(1, wait.toSeconds())
                    + " s"));
            return;
        }
        var user = name.length() > LoginThrottle.NAME_LIMIT ? Optional.<UserDirectory.User>empty()
                : users.authenticate(name, password.toCharArray());
        Optional<String> credential = user.flatMap(u -> users.credential(u.name()));
        if (user.isEmpty() || credential.isEmpty()) {
            ctx.status(HttpStatus.UNAUTHORIZED);
            render(ctx, Optional.of("Wrong user name or password"));
            return;
        }
        throttle.succeeded(name, address);
        Sessions.logIn(ctx, user.get().name(), credential.get());
        ctx.redirect(safeNext(ctx.formParam("next")));
    }

    public void logOut(Context ctx) {
        Sessions.logOut(ctx);
        ctx.redirect("/login");
    }

    private void render(Context ctx, Optional<String> error) {
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", Sessions.loginToken(ctx, secureCookies));
        model.put("next", safeNext(Optional.ofNullable(ctx.formParam("next")).orElse(ctx.queryParam("next"))));
        model.put("error", error);
        templates.render(ctx, "login.jte", model);
    }

    /**
     * Only a path of this console: never an address elsewhere (an open redirect). A path is a '/' followed by
     * visible ASCII other than a second '/' or any '\\': browsers drop tabs and line breaks from a URL and read
     * '\\' as '/', so {@code /<tab>/evil.example} or {@code /\\evil.example} would lead to another host.
     */
    static String safeNext(String next) {
        if (next == null || !SAFE_PATH.matcher(next).matches() || next.startsWith("/login")) {
            return "/policies";
        }
        return next;
    }
}
