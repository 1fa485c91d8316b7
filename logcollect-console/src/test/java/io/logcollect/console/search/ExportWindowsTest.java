package io.logcollect.console.search;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export's windows, read against a model of the engine: a sorted list, paged by window and search_after. */
class ExportWindowsTest {

    private static final long FROM = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    /** A line as the engine sorts it: newest first, then by a tiebreaker as the log offset is one. */
    private record Line(long time, long order) {
    }

    private static final Comparator<Line> NEWEST_FIRST = Comparator.comparingLong(Line::time)
            .thenComparingLong(Line::order).reversed();

    /** What an export read, and how many lines the engine had to look at for it. */
    private record Read(List<Line> lines, long requests, long linesLookedAt, long mostInOneRequest) {
    }

    @Property(tries = 300)
    void everyLineOfTheRangeIsReadOnceNewestFirst(@ForAll @Size(max = 2_000) List<@LongRange(max = 1_000) Long> bursts,
                                                  @ForAll @LongRange(min = 1, max = 400_000_000) long rangeLength,
                                                  @ForAll @IntRange(min = 1, max = 300) int page) {
        // lines bunch at a thousand moments spread over the range: many share a millisecond, long gaps between
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < bursts.size(); i++) {
            lines.add(new Line(FROM + bursts.get(i) * rangeLength / 1_000, i));
        }
        Read read = export(lines, FROM + rangeLength, page, time -> time);
        assertReadInOrder(sorted(lines), read.lines());
    }

    @Test
    void evenlySpreadLinesAreReadAboutAPageAtATime() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            lines.add(new Line(FROM + i * 100L, i));
        }
        Read read = export(lines, FROM + 100_000 * 100L, 1_000, time -> time);
        assertReadInOrder(sorted(lines), read.lines());
        assertTrue(read.requests() <= 110, "requests: " + read.requests());
        assertTrue(read.mostInOneRequest() <= 1_600, "most lines in one window: " + read.mostInOneRequest());
        assertTrue(read.linesLookedAt() <= 100_000 * 3 / 2, "lines looked at: " + read.linesLookedAt());
    }

    @Test
    void sortValuesThatAreNotMillisecondsInTheRangeReadTheRestAsOneWindow() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            lines.add(new Line(FROM + i * 1_000L, i));
        }
        // a date_nanos field answers nanoseconds
        Read read = export(lines, FROM + 5_000 * 1_000L, 300, time -> time * 1_000_000);
        assertReadInOrder(sorted(lines), read.lines());
    }

    /** Names the first line that differs, not both lists. */
    private static void assertReadInOrder(List<Line> expected, List<Line> read) {
        for (int i = 0; i < Math.min(expected.size(), read.size()); i++) {
            assertEquals(expected.get(i), read.get(i), "line " + i + " of " + expected.size());
        }
        assertEquals(expected.size(), read.size(), "lines read");
    }

    private static List<Line> sorted(List<Line> lines) {
        return lines.stream().sorted(NEWEST_FIRST).toList();
    }

    /** Reads as {@code LogExport} does: each page of the current window below the last line read. */
    private static Read export(List<Line> lines, long to, int page, LongUnaryOperator sortValue) {
        List<Line> engine = sorted(lines);
        ExportWindows windows = new ExportWindows(Instant.ofEpochMilli(FROM), Instant.ofEpochMilli(to));
        List<Line> read = new ArrayList<>();
        Line after = null;
        long requests = 0;
        long lookedAt = 0;
        long most = 0;
        while (true) {
            requests++;
            assertTrue(requests < 1_000_000, "the export does not end");
            long from = windows.from().toEpochMilli();
            long until = windows.to().toEpochMilli();
            Line below = after;
            List<Line> matching = engine.stream().filter(l -> l.time() >= from && l.time() <= until)
                    .filter(l -> below == null || NEWEST_FIRST.compare(l, below) > 0).toList();
            lookedAt += matching.size();
            most = Math.max(most, matching.size());
            List<Line> answer = matching.subList(0, Math.min(page, matching.size()));
            read.addAll(answer);
            OptionalLong last = OptionalLong.empty();
            if (!answer.isEmpty()) {
                after = answer.get(answer.size() - 1);
                last = OptionalLong.of(sortValue.applyAsLong(after.time()));
            }
            if (!windows.advance(answer.size(), page, last)) {
                return new Read(read, requests, lookedAt, most);
            }
        }
    }
}
