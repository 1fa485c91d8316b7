package io.logcollect.console.web;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpSession;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The session's user, its CSRF token and the notice shown once after a change. */
public final class Sessions {

    private static final String USER = "logcollect.user";
    private static final String CSRF = "logcollect.csrf";
    private static final String NOTICE = "logcollect.notice";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sessions() {
    }

    /** The session's CSRF token, made with the session. */
    public static String csrfToken(Context ctx) {
        HttpSession session = ctx.req().getSession(true);
        Object token = session.getAttribute(CSRF);
        if (token == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(CSRF, token);
        }
        return (String) token;
    }

    /** Whether the request carries the session's token, as a form field or a header; compared in constant time. */
    public static boolean csrfMatches(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        Object expected = session == null ? null : session.getAttribute(CSRF);
        String given = ctx.header("X-CSRF-Token");
        if (given == null) {
            given = ctx.formParam("_csrf");
        }
        return expected != null && given != null && MessageDigest.isEqual(
                ((String) expected).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    public static Optional<String> user(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        return Optional.ofNullable(session == null ? null : (String) session.getAttribute(USER));
    }

    /** A new session id at login, so a session id planted before it is worth nothing after. */
    public static void logIn(Context ctx, String user) {
        ctx.req().getSession(true);
        ctx.req().changeSessionId();
        ctx.req().getSession().setAttribute(USER, user);
    }

    public static void logOut(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    public static void notice(Context ctx, String text) {
        ctx.req().getSession(true).setAttribute(NOTICE, text);
    }

    /** The notice left by the last change, once. */
    public static Optional<String> takeNotice(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        Object notice = session.getAttribute(NOTICE);
        session.removeAttribute(NOTICE);
        return Optional.ofNullable((String) notice);
    }
}
