package io.logcollect.console.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import jakarta.servlet.http.HttpSession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The session's user, the credential it logged in with, its CSRF token and the notice shown once after a change.
 * Nobody gets a session before logging in: the login form's CSRF token is a cookie of its own, compared with the
 * form's copy (double submit), so a crawler or a scanner on {@code /login} leaves nothing in memory.
 */
public final class Sessions {

    private static final String USER = "logcollect.user";
    private static final String CREDENTIAL = "logcollect.credential";
    private static final String CSRF = "logcollect.csrf";
    private static final String NOTICE = "logcollect.notice";
    /** The login form's token, a cookie scoped to {@code /login}, good for half an hour. */
    static final String LOGIN_COOKIE = "LOGCOLLECT_LOGIN";
    private static final int LOGIN_COOKIE_SECONDS = 1800;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sessions() {
    }

    /** The session's CSRF token, made with the session. */
    public static String csrfToken(Context ctx) {
        HttpSession session = ctx.req().getSession(true);
        Object token = session.getAttribute(CSRF);
        if (token == null) {
            token = randomToken();
            session.setAttribute(CSRF, token);
        }
        return (String) token;
    }

    /** The login form's token: the one its cookie holds, or a new one set as the cookie. No session is made. */
    public static String loginToken(Context ctx, boolean secure) {
        String token = ctx.cookie(LOGIN_COOKIE);
        if (token == null || !token.matches("[A-Za-z0-9_-]{43}")) {
            token = randomToken();
            Cookie cookie = new Cookie(LOGIN_COOKIE, token, "/login", LOGIN_COOKIE_SECONDS, secure, true, null,
                    SameSite.STRICT);
            ctx.cookie(cookie);
        }
        return token;
    }

    /** Whether a login form carries the token of its cookie; compared in constant time. */
    public static boolean loginTokenMatches(Context ctx) {
        return equal(ctx.cookie(LOGIN_COOKIE), ctx.formParam("_csrf"));
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean equal(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the request carries the session's token, as a form field or a header; compared in constant time. */
    public static boolean csrfMatches(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        Object expected = session == null ? null : session.getAttribute(CSRF);
        String given = ctx.header("X-CSRF-Token");
        if (given == null) {
            given = ctx.formParam("_csrf");
        }
        return equal((String) expected, given);
    }

    /** The credential the session's user logged in with (see {@code UserDirectory.credential}). */
    public static Optional<String> credential(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        return Optional.ofNullable(session == null ? null : (String) session.getAttribute(CREDENTIAL));
    }

    public static Optional<String> user(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        return Optional.ofNullable(session == null ? null : (String) session.getAttribute(USER));
    }

    /**
     * A new session at login, with a new id and a new CSRF token, so neither an id nor a token planted before it
     * is worth anything after; bound to the credential the user logged in with.
     */
    public static void logIn(Context ctx, String user, String credential) {
        HttpSession before = ctx.req().getSession(false);
        if (before != null) {
            before.invalidate();
        }
        HttpSession session = ctx.req().getSession(true);
        session.setAttribute(USER, user);
        session.setAttribute(CREDENTIAL, credential);
        ctx.removeCookie(LOGIN_COOKIE, "/login");
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
