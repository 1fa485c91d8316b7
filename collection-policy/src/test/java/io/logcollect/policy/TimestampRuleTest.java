package io.logcollect.policy;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampRuleTest {

    private static final long NOW = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void readsAPatternAtTheStartOfTheLineInTheEntryZone() {
        TimestampRule rule = TimestampRule.compile(null, "yyyy-MM-dd HH:mm:ss,SSS", ZoneId.of("Europe/Paris"), Locale.ENGLISH);
        assertEquals(OptionalLong.of(millis("2026-11-24T09:00:00.123Z")),
                rule.parse("2026-11-24 10:00:00,123 ERROR boom", NOW));
        assertEquals(OptionalLong.empty(), rule.parse("\tat a.B.c(B.java:1)", NOW));
    }

    @Test
    void readsTheGroupOfAPatternWithItsOffset() {
        TimestampRule nginx = TimestampRule.compile("\\[([^\\]]+)\\]", "dd/MMM/yyyy:HH:mm:ss Z", ZoneId.of("UTC"),
                Locale.ENGLISH);
        assertEquals(OptionalLong.of(millis("2026-11-24T02:00:00Z")),
                nginx.parse("10.0.0.1 - - [24/Nov/2026:10:00:00 +0800] \"GET / HTTP/1.1\" 200", NOW));
        TimestampRule named = TimestampRule.compile("at=(?<ts>\\S+) level", TimestampRule.ISO8601, ZoneId.of("UTC"),
                Locale.ENGLISH);
        assertEquals(OptionalLong.of(millis("2026-11-24T10:00:00.5Z")), named.parse("x at=2026-11-24T10:00:00.5 level=info", NOW));
    }

    @Test
    void readsIso8601WithOrWithoutOffsetAndUnixTimes() {
        TimestampRule iso = TimestampRule.compile(null, TimestampRule.ISO8601, ZoneId.of("Asia/Shanghai"), Locale.ENGLISH);
        assertEquals(OptionalLong.of(millis("2026-11-24T10:00:00.123Z")), iso.parse("2026-11-24T10:00:00.123Z msg", NOW));
        assertEquals(OptionalLong.of(millis("2026-11-24T08:00:00Z")), iso.parse("2026-11-24T10:00:00+02:00 msg", NOW));
        assertEquals(OptionalLong.of(millis("2026-11-24T02:00:00Z")), iso.parse("2026-11-24 10:00:00 msg", NOW));
        assertEquals(OptionalLong.of(1_764_000_000_250L),
                TimestampRule.compile(null, TimestampRule.UNIX, ZoneId.of("UTC"), Locale.ENGLISH).parse("1764000000.25 x", NOW));
        assertEquals(OptionalLong.of(1_764_000_000_250L),
                TimestampRule.compile(null, TimestampRule.UNIX_MS, ZoneId.of("UTC"), Locale.ENGLISH).parse("1764000000250 x", NOW));
    }

    @Test
    void aDateWithoutAYearIsNeverMoreThanADayAhead() {
        TimestampRule syslog = TimestampRule.compile(null, "MMM d HH:mm:ss", ZoneId.of("UTC"), Locale.ENGLISH);
        assertEquals(OptionalLong.of(millis("2026-11-29T08:00:00Z")), syslog.parse("Nov 29 08:00:00 host sshd: x", NOW));
        long newYear = millis("2027-01-01T00:00:10Z");
        assertEquals(OptionalLong.of(millis("2026-12-31T23:59:59Z")), syslog.parse("Dec 31 23:59:59 host x", newYear));
    }

    @Test
    void badSettingsAreRefusedByName() {
        for (List<String> bad : List.of(List.of("(", "yyyy"), List.of("x", "yyyy-bb-qq-ll"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TimestampRule.compile(bad.get(0), bad.get(1), ZoneId.of("UTC"), Locale.ENGLISH));
            assertTrue(e.getMessage().startsWith("timestamp."), e.getMessage());
        }
    }
}
