package io.logcollect.console.web;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.logcollect.console.auth.Role;
import io.logcollect.console.auth.UserDirectory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Runs before every request: nobody past the login page without a session, no change without the session's
 * CSRF token (the login form's own token for the login), and the user's role and password read again at every
 * request (a user removed from the file, or given another password, is out at once).
 */
public final class Guard {

    static final String VIEWER = "logcollect.viewer";

    /** The name a Prometheus scrape with the bearer token acts under. */
    static final String SCRAPER = "prometheus";

    private final UserDirectory users;
    private final byte[] metricsToken;

    /** {@code metricsToken}: the bearer token that lets Prometheus read {@code /metrics} alone, or null. */
    public Guard(UserDirectory users, char[] metricsToken) {
        this.users = users;
        this.metricsToken = metricsToken == null || metricsToken.length == 0 ? null
                : new String(metricsToken).getBytes(StandardCharsets.UTF_8);
    }

    public void before(Context ctx) {
        String path = ctx.path();
        if (path.startsWith("/webjars/") || path.startsWith("/static/")) {
            return;
        }
        // every page shows logs or the state of the fleet: no shared or browser cache keeps a copy
        ctx.header("Cache-Control", "no-store");
        boolean change = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
        boolean login = path.equals("/login");
        if (change && !(login ? Sessions.loginTokenMatches(ctx) : Sessions.csrfMatches(ctx))) {
            throw new ForbiddenResponse("this form is out of date or did not come from the console: "
                    + "load the page again");
        }
        if (login) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (path.equals("/metrics") && authorization != null) {
            if (metricsToken == null || !authorization.startsWith("Bearer ") || !MessageDigest.isEqual(metricsToken,
                    authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8))) {
                throw new UnauthorizedResponse("wrong or no metrics token");
            }
            ctx.attribute(VIEWER, new Viewer(SCRAPER, Role.VIEWER, ""));
            return;
        }
        Optional<String> name = Sessions.user(ctx);
        Optional<Role> role = name.flatMap(users::roleOf);
        if (role.isPresent() && !Sessions.credential(ctx).equals(users.credential(name.get()))) {
            role = Optional.empty();
        }
        if (role.isEmpty()) {
            if (name.isPresent()) {
                // the user was removed from the users file or given another password: the session is worthless
                Sessions.logOut(ctx);
            }
            if (change || ctx.header("HX-Request") != null) {
                throw new UnauthorizedResponse("log in first");
            }
            String next = ctx.queryString() == null ? path : path + "?" + ctx.queryString();
            ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.FOUND);
            return;
        }
        ctx.attribute(VIEWER, new Viewer(name.get(), role.get(), Sessions.csrfToken(ctx)));
    }

    /** Who is logged in; only on requests the guard let through. */
    /** Who is logged in, if the guard let the request through as someone (an error page may show before). */
    public static Optional<Viewer> viewerIfAny(Context ctx) {
        return Optional.ofNullable(ctx.attribute(VIEWER));
    }

    public static Viewer viewer(Context ctx) {
        Viewer viewer = ctx.attribute(VIEWER);
        if (viewer == null) {
            throw new UnauthorizedResponse("log in first");
        }
        return viewer;
    }

    /** Refuses the request unless the user's role allows what it needs. */
    public static void require(Context ctx, Role needed) {
        Viewer viewer = viewer(ctx);
        if (!viewer.role().allows(needed)) {
            throw new ForbiddenResponse("this needs the " + needed.label() + " role; " + viewer.name() + " is "
                    + viewer.role().label());
        }
    }
}
