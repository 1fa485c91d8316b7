package io.logcollect.console.auth;

import java.util.Locale;

/** What a user may do (DESIGN.md section 10): each role may do everything the ones before it may. */
public enum Role {
    /** Read everything, search. */
    VIEWER,
    /** Also change policies and restart tasks. */
    EDITOR,
    /** Also manage users. */
    ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "' (viewer, editor or admin)");
        }
    }
}
