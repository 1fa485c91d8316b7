package io.logcollect.console.search;

import io.javalin.http.HttpResponseException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SearchSlotsTest {

    /** One user's searches wait for each other past the limit, and are refused after a wait; others go on. */
    @Test
    void aUserPastTheLimitIsRefusedWhileOthersSearch() throws Exception {
        SearchSlots slots = new SearchSlots(2, Duration.ofMillis(50));
        try (SearchSlots.Slot first = slots.take("ann"); SearchSlots.Slot second = slots.take("ann")) {
            HttpResponseException refused = assertThrows(HttpResponseException.class, () -> slots.take("ann"));
            assertEquals(429, refused.getStatus());
            assertEquals("you have 2 searches running: wait for one to end, then try again", refused.getMessage());
            try (SearchSlots.Slot other = slots.take("bob")) {
                assertEquals("bob", other.user());
            }
        }
        try (SearchSlots.Slot again = slots.take("ann")) {
            assertEquals("ann", again.user());
        }
    }
}
