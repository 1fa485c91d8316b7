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

    /** A browser drops tabs and line breaks from a URL and reads '\\' as '/': each would lead off the console. */
    @Test
    void aPathThatABrowserWouldTurnIntoAnotherHostIsNotFollowed() {
        assertEquals("/policies", LoginPages.safeNext("/\t/evil.example"));
        assertEquals("/policies", LoginPages.safeNext("/\n/evil.example"));
        assertEquals("/policies", LoginPages.safeNext("/ /evil.example"));
        assertEquals("/policies", LoginPages.safeNext("/search\\..\\/evil.example"));
        assertEquals("/policies", LoginPages.safeNext("/\u0000//evil.example"));
        assertEquals("/agents/web-01?range=6h", LoginPages.safeNext("/agents/web-01?range=6h"));
        assertEquals("/search?q=%22a%20b%22&range=1h", LoginPages.safeNext("/search?q=%22a%20b%22&range=1h"));
    }
}
