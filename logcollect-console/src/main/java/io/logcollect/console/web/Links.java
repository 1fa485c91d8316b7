package io.logcollect.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Names put into a link: a host, an index or an id may hold any character, {@code /}, {@code +} or {@code ?} too. */
public final class Links {

    private Links() {
    }

    /** {@code text} as one path segment or query value. */
    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
