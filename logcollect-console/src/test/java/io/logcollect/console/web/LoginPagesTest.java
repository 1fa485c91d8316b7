package io.logcollect.console.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoginPagesTest {

    @Test
    void afterLoginOnlyAPathOfTheConsoleIsFollowed() {
        assertEquals("/search?q=x", LoginPages.safeNext("/search?q=x"));
        assertEquals("/policies", LoginPages.safeNext("https://evil.example/"));
        assertEquals("/policies", LoginPages.safeNext("//evil.example/"));
        assertEquals("/policies", LoginPages.safeNext("/\\evil.example/"));
        assertEquals("/policies", LoginPages.safeNext("/login?next=/x"));
        assertEquals("/policies", LoginPages.safeNext(null));
    }
}
