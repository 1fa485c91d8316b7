package io.logcollect.console.web;

import io.logcollect.console.auth.Role;

/** Who is looking at a page, and the session's token that every change must carry. */
public record Viewer(String name, Role role, String csrfToken) {

    public boolean canEdit() {
        return role.allows(Role.EDITOR);
    }

    public boolean canAdminister() {
        return role.allows(Role.ADMIN);
    }
}
