package io.logcollect.tail.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Event ids are document ids in the index: a line read again after an upgrade must get the id it had, or it
 * would be indexed twice. The expected ids were computed outside Java (Python's hashlib: the first 16 bytes of
 * the SHA-256 of "host\nfile identity\nepoch\n" and the offset's 8 bytes, big-endian, base64url without padding).
 */
class EventIdsTest {

    @Test
    void idsAreTheHashOfHostFileEpochAndOffset() {
        EventIds ids = new EventIds("web-01", "8:1234:abcd", 2);

        assertEquals("ggKQJSUsLfqUjonqheEhSw", ids.idAt(0));
        assertEquals("5-XCsZB9NuXfX7dZ_28UMA", ids.idAt(12345));
        assertEquals("liUF7BFYMaHjV98Tv9Zfyg", ids.idAt((1L << 40) + 7));
        assertEquals("5-XCsZB9NuXfX7dZ_28UMA", ids.idAt(12345), "the same offset again");
    }
}
