package io.logcollect.es.document;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexNameFormatTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void defaultFormatIsTopicAndUtcDayOfTheTimestamp() {
        IndexNameFormat format = IndexNameFormat.parse("{topic}-{yyyy.MM.dd}", ZoneOffset.UTC);
        assertEquals("web_log-2026.11.24", format.format("web_log", at("2026-11-24T23:59:59.999Z")));
        assertEquals("web_log-2026.11.25", format.format("web_log", at("2026-11-25T00:00:00Z")));
        assertEquals("web_log-2026.11.24", format.format("web_log", at("2026-11-24T00:00:00Z")));
        assertEquals("app-2026.11.24", format.format("App", at("2026-11-24T10:00:00Z")));
        assertEquals("*-*", format.pattern(null));
        assertEquals("web_log-*", format.pattern("web_log"));
        assertTrue(format.hasDate());
    }

    @Test
    void theDayFollowsTheConfiguredZone() {
        IndexNameFormat format = IndexNameFormat.parse("logs-{topic}-{yyyy.MM.dd}", ZoneId.of("Asia/Shanghai"));
        assertEquals("logs-web-2026.11.25", format.format("web", at("2026-11-24T16:00:00Z")));
        assertEquals("logs-web-2026.11.24", format.format("web", at("2026-11-24T15:59:59Z")));
    }

    @Test
    void formatsWithoutDateAndWithSeveralPatterns() {
        IndexNameFormat plain = IndexNameFormat.parse("logs-{topic}-default", ZoneOffset.UTC);
        assertEquals("logs-web-default", plain.format("web", 0));
        assertFalse(plain.hasDate());
        IndexNameFormat monthly = IndexNameFormat.parse("{topic}-{yyyy}-{MM}", ZoneOffset.UTC);
        assertEquals("web-2026-11", monthly.format("web", at("2026-11-24T10:00:00Z")));
        assertEquals("web-*-*", monthly.pattern("web"));
    }

    @Test
    void refusesBrokenFormats() {
        assertThrows(IllegalArgumentException.class, () -> IndexNameFormat.parse("{topic", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> IndexNameFormat.parse("{}", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> IndexNameFormat.parse("Logs-{topic}", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> IndexNameFormat.parse("{topic}-{HH:mm:ss.SSS}", ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> IndexNameFormat.parse("{topic}-{bbb}", ZoneOffset.UTC));
    }

    @Test
    void theLastDayOfAnIndexIsReadBackFromItsNameForItsTopicOnly() {
        IndexNameFormat daily = IndexNameFormat.parse("{topic}-{yyyy.MM.dd}", ZoneOffset.UTC);
        assertEquals(Optional.of(LocalDate.of(2026, 11, 24)), daily.lastDay("web_log", "web_log-2026.11.24"));
        assertEquals(Optional.of(LocalDate.of(2026, 11, 24)), daily.lastDay("Web_Log", "web_log-2026.11.24"));
        assertEquals(Optional.empty(), daily.lastDay("web", "web_log-2026.11.24"), "another topic's index");
        assertEquals(Optional.empty(), daily.lastDay("web", "web-log-2026.11.24"), "a topic whose name begins so");
        assertEquals(Optional.empty(), daily.lastDay("web_log", "web_log-2026.11.24-copy"));
        assertEquals(Optional.empty(), daily.lastDay("web_log", "web_log-archive"));
        assertEquals(Optional.empty(), daily.lastDay("web_log", "web_log-2026.13.01"));

        IndexNameFormat monthly = IndexNameFormat.parse("logs-{topic}-{yyyy-MM}", ZoneOffset.UTC);
        assertEquals(Optional.of(LocalDate.of(2026, 2, 28)), monthly.lastDay("web", "logs-web-2026-02"),
                "a monthly index holds its month: its last day is the month's");
        IndexNameFormat undated = IndexNameFormat.parse("{topic}", ZoneOffset.UTC);
        assertEquals(Optional.empty(), undated.lastDay("web", "web"));
    }
}
