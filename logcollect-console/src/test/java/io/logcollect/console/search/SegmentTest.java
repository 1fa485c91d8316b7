package io.logcollect.console.search;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentTest {

    @Test
    void highlightsAreCutOnTheMarkersAndEveryPieceStaysText() {
        String highlighted = "<b>" + Segment.MARK_START + "error" + Segment.MARK_END + "</b> at "
                + Segment.MARK_START + "x" + Segment.MARK_END;
        assertEquals(List.of(new Segment("<b>", false), new Segment("error", true), new Segment("</b> at ", false),
                new Segment("x", true)), Segment.split(highlighted, 100));
    }

    @Test
    void controlCharactersAreShownAsTheirPicturesButTabsAndLineBreaksStay() {
        assertEquals(List.of(new Segment("\u241b[31mred\u241b[0m\tnext\nline\u2400\u2421", false)),
                Segment.split("\u001b[31mred\u001b[0m\tnext\nline\u0000\u007f", 100));
    }

    /**
     * A right-to-left override in a log line would make the page show a different text than the line holds
     * ({@code evil\u202Etxt.exe} reads as {@code evilexe.txt}); C1 controls (NEL, CSI) act on terminals. Each
     * shows as its code point, and does nothing.
     */
    @Test
    void bidiControlsAndC1ControlsAreShownAsTheirCodePoints() {
        assertEquals(List.of(new Segment("evil[U+202E]txt.exe [U+2066]a[U+2069] [U+200F]b[U+061C] c[U+0085]d[U+009B]31m",
                false)), Segment.split("evil\u202Etxt.exe \u2066a\u2069 \u200Fb\u061C c\u0085d\u009B31m", 100));
        assertEquals(List.of(new Segment("\u00e9t\u00e9 \u05e9\u05dc\u05d5\u05dd", false)),
                Segment.split("\u00e9t\u00e9 \u05e9\u05dc\u05d5\u05dd", 100), "letters of any script stay");
    }

    @Test
    void aLongLineIsCutAtTheLimitNotCountingMarkers() {
        assertEquals(List.of(new Segment("ab", false), new Segment("cd", true)),
                Segment.split("ab" + Segment.MARK_START + "cdef" + Segment.MARK_END, 4));
    }

    @Test
    void theEnginesTrimmedHighlightIsPutBackWhereItStandsInTheMessage() {
        String message = "\tat a.B(B.java:1) timeout\t";
        String highlighted = "at a.B(B.java:1) " + Segment.MARK_START + "timeout" + Segment.MARK_END;
        assertEquals("\tat a.B(B.java:1) " + Segment.MARK_START + "timeout" + Segment.MARK_END + "\t",
                Hits.withHighlights(message, highlighted));
        assertEquals(message, Hits.withHighlights(message, "something " + Segment.MARK_START + "else"));
    }
}
