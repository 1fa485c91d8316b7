package io.logcollect.tail.multiline;

import io.logcollect.policy.Multiline;
import io.logcollect.tail.read.Line;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups the lines of one file into records (Filebeat's multiline semantics, see {@link Multiline}). Lines
 * go in one at a time; a record comes out when a line shows that the group before it is complete, when the
 * group reaches its timeout, or when the file is finished. Without a multiline setting every line is a record.
 */
public final class LineGrouper {

    /** One record: its lines joined with {@code \n}; {@code plain} as {@link Line#plain()} says of its text. */
    public record Group(long offset, long nextOffset, String text, boolean multiline, boolean truncated,
                        boolean plain) {
    }

    private final Multiline multiline;
    private final int maxChars;
    private final List<String> lines = new ArrayList<>();
    private long offset;
    private long nextOffset;
    private boolean truncated;
    /** The group is one line, which the reader found plain. */
    private boolean plain;
    private int chars;
    private int consumed;
    private long lastLineAt;

    /** {@code multiline} null for one record per line; {@code maxChars} caps a group's message. */
    public LineGrouper(Multiline multiline, int maxChars) {
        this.multiline = multiline;
        this.maxChars = maxChars;
    }

    /** True while lines are held back waiting for the rest of their group. */
    public boolean pending() {
        return !lines.isEmpty();
    }

    /** Adds a line; returns the records it completes (zero, one or two), in file order. */
    public List<Group> add(Line line, long nowMillis) {
        if (multiline == null) {
            return List.of(new Group(line.offset(), line.nextOffset(), line.text(), false, line.truncated(),
                    line.plain()));
        }
        boolean continues = multiline.continues(line.text());
        List<Group> done = new ArrayList<>(1);
        if (multiline.match() == Multiline.Match.AFTER) {
            if (!continues && pending()) {
                done.add(flush());
            }
            append(line, nowMillis);
        } else {
            append(line, nowMillis);
            if (!continues) {
                done.add(flush());
            }
        }
        return done;
    }

    /** The held-back group if no line joined it for the timeout; null otherwise. */
    public Group expire(long nowMillis) {
        if (multiline != null && pending() && nowMillis - lastLineAt >= multiline.timeoutMs()) {
            return flush();
        }
        return null;
    }

    /** The held-back group, for a file that is finished; null when nothing is held back. */
    public Group finish() {
        return pending() ? flush() : null;
    }

    /** Forgets held-back lines (after a truncation: they will be read again, or are gone). */
    public void reset() {
        lines.clear();
        chars = 0;
        consumed = 0;
        truncated = false;
        plain = false;
    }

    private void append(Line line, long nowMillis) {
        if (lines.isEmpty()) {
            offset = line.offset();
        }
        plain = consumed == 0 && line.plain();
        nextOffset = line.nextOffset();
        lastLineAt = nowMillis;
        consumed++;
        truncated |= line.truncated();
        if (lines.size() >= multiline.maxLines() || chars >= maxChars) {
            truncated = true;
            return;
        }
        String text = line.text();
        if (chars + text.length() > maxChars) {
            text = text.substring(0, Math.max(0, maxChars - chars));
            truncated = true;
        }
        lines.add(text);
        chars += text.length() + 1;
    }

    private Group flush() {
        Group group = new Group(offset, nextOffset, String.join("\n", lines), consumed > 1, truncated, plain);
        reset();
        return group;
    }
}
