package io.logcollect.console.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of a log line, marked when the query matched it. The engine wraps matches in two private-use
 * characters; the line is cut on them here and each piece is escaped as text by the template, so neither a
 * log line nor a highlight can ever become markup.
 */
public record Segment(String text, boolean marked) {

    static final String MARK_START = "\uE000";
    static final String MARK_END = "\uE001";

    /** Cuts a highlighted text on the markers, at most {@code limit} characters in all. */
    static List<Segment> split(String highlighted, int limit) {
        List<Segment> segments = new ArrayList<>();
        int shown = 0;
        boolean marked = false;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < highlighted.length() && shown < limit; i++) {
            char c = highlighted.charAt(i);
            if (c == MARK_START.charAt(0) || c == MARK_END.charAt(0)) {
                if (!current.isEmpty()) {
                    segments.add(new Segment(current.toString(), marked));
                    current.setLength(0);
                }
                marked = c == MARK_START.charAt(0);
                continue;
            }
            current.append(visible(c));
            shown++;
        }
        if (!current.isEmpty()) {
            segments.add(new Segment(current.toString(), marked));
        }
        return segments;
    }

    /**
     * Control characters shown as their Unicode pictures (ESC as ␛), so terminal escape sequences in a line are
     * seen for what they are and do nothing. Tabs and line breaks stay.
     */
    static char visible(char c) {
        if (c == '\t' || c == '\n') {
            return c;
        }
        if (c < 0x20) {
            return (char) (0x2400 + c);
        }
        if (c == 0x7f) {
            return '\u2421';
        }
        return c;
    }

    static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            out.append(visible(text.charAt(i)));
        }
        return out.toString();
    }
}
