package io.logcollect.console.search;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * The time windows an export reads its pages in, newest first, each sized to hold about a page and a half of lines
 * as the lines read so far were spread in time.
 *
 * <p>Why: the engine answers a page sorted newest first by collecting every line the query matches below the
 * {@code search_after} point into a queue of the page's size, and lines are stored oldest first, so every one of
 * them enters the queue. Without a window, each page of an export costs as much as all the lines still to come;
 * with one, it costs about a page.
 *
 * <p>A window is read until a page comes back short; the next window then starts just below it. A full page moves
 * the window's top down to its last line's time (inclusive: lines sharing that millisecond are told apart by
 * {@code search_after}). Times are epoch milliseconds, as the engine's sort values give a {@code date} field; a
 * sort value outside the search's range (a {@code date_nanos} field answers nanoseconds) turns windows off, and the
 * rest is read as one window.
 */
final class ExportWindows {

    /** The first window's length, before anything is known of how lines are spread. */
    private static final long FIRST_SPAN_MILLIS = 60_000;
    /** How much larger than the window that was read short the next may be. */
    private static final long MOST_GROWTH = 8;

    private final long oldest;
    private final long newest;
    private boolean whole;
    private long top;
    private long bottom;

    /** The windows of a search from {@code from} to {@code to}, both inclusive. */
    ExportWindows(Instant from, Instant to) {
        this.oldest = from.toEpochMilli();
        this.newest = to.toEpochMilli();
        this.top = newest;
        this.bottom = Math.max(oldest, top - FIRST_SPAN_MILLIS + 1);
    }

    /** The oldest time of the window to read now, inclusive. */
    Instant from() {
        return Instant.ofEpochMilli(bottom);
    }

    /** The newest time of the window to read now, inclusive. */
    Instant to() {
        return Instant.ofEpochMilli(top);
    }

    /**
     * Moves on after a page of the current window.
     *
     * @param lines     how many lines the page held
     * @param asked     how many it could have held
     * @param lastTime  the time of its last line (as the engine sorted it), when it held any
     * @return whether there is more to read
     */
    boolean advance(int lines, int asked, OptionalLong lastTime) {
        if (whole) {
            return lines == asked;
        }
        if (lastTime.isPresent() && (lastTime.getAsLong() < oldest || lastTime.getAsLong() > top)) {
            whole = true;
            bottom = oldest;
            top = newest;
            return true;
        }
        long span;
        if (lines == asked) {
            long last = lastTime.orElseThrow();
            span = Math.max(1, (top - last) * 3 / 2);
            top = last;
        } else {
            if (bottom <= oldest) {
                return false;
            }
            long length = top - bottom + 1;
            span = lines == 0 ? length * 4 : Math.min(length * MOST_GROWTH, Math.max(1, length * asked * 3 / 2 / lines));
            top = bottom - 1;
        }
        bottom = Math.max(oldest, top - span + 1);
        return true;
    }
}
