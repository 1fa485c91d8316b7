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
            appendVisible(current, c);
            shown++;
        }
        if (!current.isEmpty()) {
            segments.add(new Segment(current.toString(), marked));
        }
        return segments;
    }

    /**
     * Control characters shown as their Unicode pictures (ESC as ␛), so terminal escape sequences in a line are
     * seen for what they are and do nothing. Tabs and line breaks stay. C1 controls (which act on terminals too)
     * and the bidirectional controls (which would make the page show another text than the line holds, such as
     * {@code evil\u202Etxt.exe} reading {@code evilexe.txt}) are shown as their code points, {@code [U+202E]}.
     */
    private static void appendVisible(StringBuilder out, char c) {
        if (c == '\t' || c == '\n') {
            out.append(c);
        } else if (c < 0x20) {
            out.append((char) (0x2400 + c));
        } else if (c == 0x7f) {
            out.append('\u2421');
        } else if (c >= 0x80 && c <= 0x9f || bidiControl(c)) {
            out.append(String.format("[U+%04X]", (int) c));
        } else {
            out.append(c);
        }
    }

    private static boolean bidiControl(char c) {
        return c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c == 0x200e || c == 0x200f
                || c == 0x061c;
    }

    static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            appendVisible(out, text.charAt(i));
        }
        return out.toString();
    }
}
