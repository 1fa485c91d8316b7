package io.logcollect.tail.engine;

import io.logcollect.policy.AllowedPaths;
import io.logcollect.policy.ParsedPolicy;
import io.logcollect.policy.PolicyParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine on real files in a temporary directory, with a fake clock and an in-memory position store. */
class TailEngineTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    /** Positions "committed" by the caller, as Connect would after Kafka acknowledged the records. */
    private final Map<String, FilePosition> committed = new HashMap<>();
    /** Entry checkpoints "committed" the same way. */
    private final Map<String, EntryCheckpoint> checkpoints = new HashMap<>();
    private final List<TailEngine.ExpiredFile> expired = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> recovered = new ArrayList<>();
    private final List<String> losses = new ArrayList<>();
    /** Runs when the engine looks up stored positions: after it found new files, before it opens them. */
    private Runnable beforePositions = () -> { };
    private TailEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private TailEngine start(String entriesJson, int maxOpenFiles) {
        return start(entriesJson, settings(maxOpenFiles, 60_000, -1, false));
    }

    private TailSettings settings(int maxOpenFiles, long closeInactiveMs, long cleanRemovedMs, boolean watch) {
        return new TailSettings("host-1", AllowedPaths.of(List.of(dir.toString())), 1000, 100_000, 1024,
                closeInactiveMs, maxOpenFiles, cleanRemovedMs, watch, 1L << 30);
    }

    private TailEngine start(String entriesJson, TailSettings settings) {
        return start(entriesJson, settings, () -> { });
    }

    private TailEngine start(String entriesJson, TailSettings settings, Runnable onNewFiles) {
        ParsedPolicy policy = PolicyParser.parse(entriesJson, settings.allowed());
        policy.errors().forEach(e -> errors.add(e.message()));
        engine = new TailEngine(settings, policy.entries(), new PositionStore() {
            @Override
            public Map<String, FilePosition> positions(String entryId, java.util.Collection<String> ids) {
                beforePositions.run();
                return ids.stream().filter(committed::containsKey).collect(Collectors.toMap(id -> id, committed::get));
            }

            @Override
            public java.util.Optional<EntryCheckpoint> checkpoint(String entryId) {
                return java.util.Optional.ofNullable(checkpoints.get(entryId));
            }
        }, new TailListener() {
            @Override
            public void fileError(String entryId, String path, String reason) {
                errors.add(entryId + " " + path + " " + reason);
            }

            @Override
            public void fileRecovered(String entryId, String path) {
                recovered.add(path);
            }

            @Override
            public void problem(String message) {
                errors.add(message);
            }

            @Override
            public void renamed(String entryId, String fromPath, String toPath) {
            }

            @Override
            public void lost(String entryId, String path, long bytes, long lines, String why) {
                losses.add(path + " " + bytes + " " + lines);
            }

            @Override
            public void truncated(String entryId, String path) {
            }
        }, clock::get, onNewFiles);
        return engine;
    }

    private String entry(String id, String glob, String extra) {
        return "{\"id\":\"" + id + "\",\"paths\":[\"" + dir + "/" + glob + "\"],\"topic\":\"t\",\"start_at\":\"beginning\""
                + extra + "}";
    }

    /** Polls, advancing the clock past scans, until no event comes for a few rounds; commits every position. */
    private List<LogEvent> drain() throws IOException {
        return drain(3);
    }

    private List<LogEvent> drain(int quietRounds) throws IOException {
        List<LogEvent> all = new ArrayList<>();
        int quiet = 0;
        while (quiet < quietRounds) {
            List<LogEvent> events = pollAndCommit(1000);
            all.addAll(events);
            quiet = events.isEmpty() ? quiet + 1 : 0;
            clock.addAndGet(1000);
        }
        return all;
    }

    /** One poll, committing its positions, checkpoints and deletions as Connect would once Kafka has them. */
    private List<LogEvent> pollAndCommit(int maxEvents) {
        List<LogEvent> events = engine.poll(maxEvents);
        events.forEach(e -> committed.put(e.fileIdentity(), e.position()));
        TailEngine.Bookkeeping bookkeeping = engine.bookkeeping();
        bookkeeping.checkpoints().forEach(c -> checkpoints.put(c.entryId(), c));
        bookkeeping.expired().forEach(e -> committed.remove(e.fileKey()));
        expired.addAll(bookkeeping.expired());
        return events;
    }

    @Test
    void aFileRotatedAwayBetweenItsDiscoveryAndItsOpeningIsReadOnceAndSoIsTheFileInItsPlace() throws IOException {
        Path live = dir.resolve("app.log");
        Files.writeString(live, "x 0\nx 1\nx 2\n");
        boolean[] rotated = {false};
        beforePositions = () -> {
            if (!rotated[0]) {
                rotated[0] = true;
                try {
                    Files.move(live, dir.resolve("app.log.1"));
                    Files.writeString(live, "y 0\ny 1\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        start("[" + entry("rotating", "app.log*", "") + "]", 10);
        List<LogEvent> events = drain();
        assertTrue(rotated[0], "the engine never looked up positions");
        Map<String, List<String>> byIdentity = new HashMap<>();
        events.forEach(e -> byIdentity.computeIfAbsent(e.fileIdentity(), k -> new ArrayList<>()).add(e.message()));
        assertEquals(List.of(List.of("x 0", "x 1", "x 2"), List.of("y 0", "y 1")),
                byIdentity.values().stream().sorted(java.util.Comparator.comparing(lines -> lines.get(0))).toList(),
                "lines by file identity: " + byIdentity);
    }

    /** Fails with counts and the first difference rather than both lists. */
    private static void assertLines(List<String> expected, List<String> actual) {
        if (!expected.equals(actual)) {
            int first = 0;
            while (first < Math.min(expected.size(), actual.size()) && expected.get(first).equals(actual.get(first))) {
                first++;
            }
            throw new AssertionError("expected " + expected.size() + " lines, got " + actual.size()
                    + "; first difference at " + first + ": expected <"
                    + (first < expected.size() ? expected.get(first) : "(end)") + "> but was <"
                    + (first < actual.size() ? actual.get(first) : "(end)") + ">");
        }
    }

    private static List<String> messages(List<LogEvent> events) {
        return events.stream().map(LogEvent::message).toList();
    }

    private static String lines(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i + "\n").collect(Collectors.joining());
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void followsAppendsAndRenameRotationWithoutLossOrDuplicates() throws IOException {
        Path log = dir.resolve("app.log");
        append(log, lines("a", 0, 100));
        start("[" + entry("app", "app.log*", "") + "]", 100);
        assertEquals(expected("a", 0, 100), messages(drain()));

        append(log, lines("a", 100, 150));
        Files.move(log, dir.resolve("app.log.1"));
        append(dir.resolve("app.log.1"), lines("a", 150, 160));
        append(log, lines("b", 0, 50));
        List<LogEvent> events = drain();
        List<String> old = messages(events.stream().filter(e -> e.message().startsWith("a")).toList());
        List<String> fresh = messages(events.stream().filter(e -> e.message().startsWith("b")).toList());
        assertEquals(expected("a", 100, 160), old);
        assertEquals(expected("b", 0, 50), fresh);
        assertTrue(events.stream().filter(e -> e.message().equals("a155")).allMatch(e -> e.path().endsWith("app.log.1")));
    }

    @Test
    void eventIdsAreStableAcrossRereadsAndDifferForNewContent() throws IOException {
        Path log = dir.resolve("ids.log");
        append(log, lines("x", 0, 10));
        start("[" + entry("ids", "ids.log", "") + "]", 10);
        List<LogEvent> first = drain();
        engine.close();
        committed.clear();
        start("[" + entry("ids", "ids.log", "") + "]", 10);
        List<LogEvent> again = drain();
        assertEquals(first.stream().map(LogEvent::eventId).toList(), again.stream().map(LogEvent::eventId).toList());
        assertEquals(10, first.stream().map(LogEvent::eventId).distinct().count());
    }

    @Test
    void resumesAtTheCommittedPositionAfterARestart() throws IOException {
        Path log = dir.resolve("resume.log");
        append(log, lines("r", 0, 20));
        start("[" + entry("resume", "resume.log", "") + "]", 10);
        assertEquals(expected("r", 0, 20), messages(drain()));
        engine.close();
        append(log, lines("r", 20, 30));
        start("[" + entry("resume", "resume.log", "") + "]", 10);
        assertEquals(expected("r", 20, 30), messages(drain()));
    }

    @Test
    void copytruncateIsDetectedAndTheNewContentIsReadFromItsStart() throws IOException {
        Path log = dir.resolve("ct.log");
        append(log, lines("old", 0, 50));
        start("[" + entry("ct", "ct.log", "") + "]", 10);
        List<LogEvent> before = drain();
        assertEquals(expected("old", 0, 50), messages(before));
        Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        append(log, lines("new", 0, 5));
        List<LogEvent> after = drain();
        assertEquals(expected("new", 0, 5), messages(after));
        assertNotEquals(before.get(0).eventId(), after.get(0).eventId());
    }

    @Test
    void copytruncateWithAnIdenticalFirstLineStartsANewEpochWithNewIds() throws IOException {
        Path log = dir.resolve("same.log");
        append(log, "header\n" + lines("one", 0, 30));
        start("[" + entry("same", "same.log", "") + "]", 10);
        List<LogEvent> before = drain();
        Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        append(log, "header\n" + lines("two", 0, 3));
        List<LogEvent> after = drain();
        List<String> expectedAfter = new ArrayList<>(List.of("header"));
        expectedAfter.addAll(expected("two", 0, 3));
        assertLines(expectedAfter, messages(after));
        assertEquals(1, after.get(0).position().epoch());
        assertNotEquals(before.get(0).eventId(), after.get(0).eventId());
    }

    @Test
    void startAtEndSkipsExistingContentButNotFilesThatAppearLater() throws IOException {
        append(dir.resolve("old.log"), lines("skip", 0, 10) + "partial");
        String entry = "[{\"id\":\"end\",\"paths\":[\"" + dir + "/*.log\"],\"topic\":\"t\",\"start_at\":\"end\"}]";
        start(entry, 10);
        assertEquals(List.of(), messages(drain()));
        append(dir.resolve("old.log"), " line\n" + lines("keep", 0, 2));
        append(dir.resolve("later.log"), lines("later", 0, 3));
        List<LogEvent> events = drain();
        assertEquals(List.of("partial line", "keep0", "keep1"),
                messages(events.stream().filter(e -> e.path().endsWith("old.log")).toList()));
        assertEquals(List.of("later0", "later1", "later2"),
                messages(events.stream().filter(e -> e.path().endsWith("later.log")).toList()));
        assertEquals(6, events.size());
    }

    @Test
    void groupsJavaStackTracesIntoOneRecord() throws IOException {
        Path log = dir.resolve("java.log");
        append(log, """
                2026-11-24 10:00:00 ERROR boom
                java.lang.IllegalStateException: bad
                \tat a.b.C.d(C.java:1)
                \tat a.b.C.e(C.java:2)
                Caused by: java.io.IOException: io
                \tat x.Y.z(Y.java:3)
                2026-11-24 10:00:01 INFO fine
                """);
        String multiline = ",\"multiline\":{\"pattern\":\"^[ \\\\t]|^Caused by:|^[a-z]+\\\\.[a-zA-Z.]+(Exception|Error)\","
                + "\"match\":\"after\",\"timeout_ms\":500}";
        start("[" + entry("java", "java.log", multiline) + "]", 10);
        List<LogEvent> events = drain();
        assertEquals(List.of("""
                2026-11-24 10:00:00 ERROR boom
                java.lang.IllegalStateException: bad
                \tat a.b.C.d(C.java:1)
                \tat a.b.C.e(C.java:2)
                Caused by: java.io.IOException: io
                \tat x.Y.z(Y.java:3)""", "2026-11-24 10:00:01 INFO fine"), messages(events));
        assertTrue(events.get(0).multiline());
        assertEquals(0, events.get(0).offset());
    }

    @Test
    void decodesTheEntryEncoding() throws IOException {
        Files.write(dir.resolve("gbk.log"), "中文日志\n".getBytes(Charset.forName("GBK")));
        start("[" + entry("gbk", "gbk.log", ",\"encoding\":\"GBK\"") + "]", 10);
        assertEquals(List.of("中文日志"), messages(drain()));
    }

    @Test
    void refusesFilesThatResolveOutsideTheAllowedPathsAndKeepsTheOthers(@TempDir Path outside) throws IOException {
        append(outside.resolve("secret"), "secret\n");
        Files.createSymbolicLink(dir.resolve("link.log"), outside.resolve("secret"));
        append(dir.resolve("fine.log"), "fine\n");
        start("[" + entry("links", "*.log", "") + "]", 10);
        assertEquals(List.of("fine"), messages(drain()));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("link.log") && errors.get(0).contains("outside the allowed paths"),
                errors.toString());
    }

    @Test
    void collectsManySmallFilesWithinTheOpenFileCap() throws IOException {
        for (int i = 0; i < 300; i++) {
            append(dir.resolve("f" + i + ".log"), "file " + i + "\n");
        }
        start("[" + entry("many", "*.log", "") + "]", 20);
        List<LogEvent> events = drain();
        assertEquals(300, events.size());
        assertEquals(300, events.stream().map(LogEvent::message).distinct().count());
        assertTrue(engine.stats().filesOpen() <= 20);
    }

    @Test
    void globsCrossDirectoriesWithDoubleStarAndHonourExcludeAndIgnoreOlder() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        append(dir.resolve("top.log"), "top\n");
        append(dir.resolve("a/b/deep.log"), "deep\n");
        append(dir.resolve("a/skip.gz"), "gz\n");
        append(dir.resolve("a/old.log"), "old\n");
        Files.setLastModifiedTime(dir.resolve("a/old.log"),
                FileTime.fromMillis(clock.get() - 7_200_000));
        start("[" + entry("globs", "**/*", ",\"exclude\":[\"*.gz\"],\"ignore_older\":\"1h\"") + "]", 10);
        assertEquals(java.util.Set.of("top", "deep"), new java.util.HashSet<>(messages(drain())));
    }

    @Test
    void aDeletedFileIsReadToItsEndIncludingItsPartialLastLine() throws IOException {
        Path log = dir.resolve("gone.log");
        append(log, "one\n");
        start("[" + entry("gone", "gone.log", "") + "]", settings(10, 5000, -1, false));
        assertEquals(List.of("one"), messages(drain()));
        append(log, "two\nthree without newline");
        Files.delete(log);
        List<LogEvent> rest = drain(8);
        assertEquals(List.of("two", "three without newline"), messages(rest));
        assertEquals(0, engine.stats().filesOpen());
        assertEquals(0, engine.stats().filesTracked());
    }

    @Test
    void multilineBeforeAndTimeoutFlushTheHeldBackGroup() throws IOException {
        Path log = dir.resolve("cont.log");
        append(log, "a \\\nb \\\nc\nd \\\n");
        start("[" + entry("cont", "cont.log", ",\"multiline\":{\"pattern\":\"\\\\\\\\$\",\"match\":\"before\","
                + "\"timeout_ms\":1500}") + "]", 10);
        List<LogEvent> events = drain();
        assertEquals(List.of("a \\\nb \\\nc", "d \\"), messages(events));
        assertTrue(events.get(0).multiline());
        assertEquals(events.get(1).offset(), events.get(0).position().position());
    }

    @Test
    void startAtEndAppliesOncePerEntryEvenWhenTheLiveFileWasRotatedWhileStopped() throws IOException {
        Path log = dir.resolve("app.log");
        append(log, lines("before", 0, 10));
        String live = "[{\"id\":\"live\",\"paths\":[\"" + dir + "/app.log\"],\"topic\":\"t\",\"start_at\":\"end\"}]";
        start(live, 10);
        assertEquals(List.of(), messages(drain()));
        assertEquals(1_000_000, checkpoints.get("live").appliedAt());
        engine.close();
        Files.move(log, dir.resolve("app.log.1"));
        append(log, lines("after", 0, 1000));
        start(live, 10);
        assertLines(expected("after", 0, 1000), messages(drain()));
    }

    @Test
    void aFileRewrittenPastItsPositionWithTheSameFirstLineWhileStoppedIsReadFromItsStart() throws IOException {
        Path csv = dir.resolve("data.csv");
        append(csv, "id,name\n" + lines("old", 0, 100));
        start("[" + entry("csv", "data.csv", "") + "]", 10);
        List<LogEvent> before = drain();
        assertEquals(101, before.size());
        engine.close();
        Files.writeString(csv, "id,name\n" + lines("new", 0, 300), StandardOpenOption.TRUNCATE_EXISTING);
        start("[" + entry("csv", "data.csv", "") + "]", 10);
        List<LogEvent> after = drain();
        List<String> expectedAfter = new ArrayList<>(List.of("id,name"));
        expectedAfter.addAll(expected("new", 0, 300));
        assertLines(expectedAfter, messages(after));
        assertEquals(1, after.get(0).position().epoch());
        assertNotEquals(before.get(0).eventId(), after.get(0).eventId());
    }

    @Test
    void aClosedFileRewrittenPastItsPositionWithTheSameFirstLineIsReadFromItsStart() throws IOException {
        Path csv = dir.resolve("closed.csv");
        append(csv, "id,name\n" + lines("old", 0, 100));
        // The rewrite gets a later modification time than the last write, so the scan sees the change itself.
        Files.setLastModifiedTime(csv, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        start("[" + entry("closed", "closed.csv", "") + "]", settings(10, 2000, -1, false));
        assertEquals(101, drain().size());
        assertEquals(0, engine.stats().filesOpen());
        Files.writeString(csv, "id,name\n" + lines("new", 0, 300), StandardOpenOption.TRUNCATE_EXISTING);
        List<String> expectedAfter = new ArrayList<>(List.of("id,name"));
        expectedAfter.addAll(expected("new", 0, 300));
        assertLines(expectedAfter, messages(drain()));
    }

    @Test
    void aClosedFileRewrittenWithinOneTickOfTheFileSystemClockIsStillReadFromItsStart() throws IOException {
        // File systems with 1-2 s timestamps can give the rewrite the modification time of the last write, so the
        // content check on reopening is what tells the rewrite from growth.
        Path csv = dir.resolve("coarse.csv");
        append(csv, "id,name\n" + lines("old", 0, 100));
        FileTime lastWrite = Files.getLastModifiedTime(csv);
        start("[" + entry("coarse", "coarse.csv", "") + "]", settings(10, 2000, -1, false));
        assertEquals(101, drain().size());
        assertEquals(0, engine.stats().filesOpen());
        Files.writeString(csv, "id,name\n" + lines("new", 0, 300), StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(csv, lastWrite);
        List<String> expectedAfter = new ArrayList<>(List.of("id,name"));
        expectedAfter.addAll(expected("new", 0, 300));
        assertLines(expectedAfter, messages(drain()));
    }

    @Test
    void copytruncateRightAfterAStackTraceAndAPartialLineLosesNeither() throws IOException {
        Path log = dir.resolve("trace.log");
        append(log, "ERROR boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\n");
        start("[" + entry("trace", "trace.log", ",\"multiline\":{\"pattern\":\"^\\\\t\",\"match\":\"after\","
                + "\"timeout_ms\":60000}") + "]", 10);
        assertEquals(List.of(), messages(drain()));
        Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        append(log, "INFO next\n");
        List<LogEvent> events = drain();
        assertEquals(List.of("ERROR boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)"), messages(events));
        assertEquals(0, events.get(0).position().epoch());

        Path plain = dir.resolve("partial.log");
        append(plain, "a\nb without newline");
        start("[" + entry("partial", "partial.log", "") + "]", 10);
        assertEquals(List.of("a"), messages(drain()));
        Files.write(plain, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        append(plain, "c\n");
        assertEquals(List.of("b without newline", "c"), messages(drain()));
    }

    @Test
    void everyFileWithLinesGetsAnEqualShareOfEachPoll() throws IOException {
        append(dir.resolve("a.log"), lines("a", 0, 20_000));
        append(dir.resolve("b.log"), lines("b", 0, 20_000));
        append(dir.resolve("c.log"), lines("c", 0, 2_000));
        start("[" + entry("burst", "*.log", "") + "]", 10);
        for (int poll = 1; poll <= 7; poll++) {
            Map<String, Long> perFile = pollAndCommit(999).stream()
                    .collect(Collectors.groupingBy(e -> e.path().substring(e.path().length() - 5), Collectors.counting()));
            assertEquals(poll < 7 ? Map.of("a.log", 333L, "b.log", 333L, "c.log", 333L)
                    : Map.of("a.log", 333L, "b.log", 664L, "c.log", 2L), perFile, "poll " + poll);
        }
    }

    /** A source with many busy files does not crowd out another source's one file: entries share, then files. */
    @Test
    void everyEntryWithLinesGetsAnEqualShareOfEachPollAndItsFilesShareIt() throws IOException {
        Files.createDirectories(dir.resolve("busy"));
        append(dir.resolve("busy/a.log"), lines("a", 0, 20_000));
        append(dir.resolve("busy/b.log"), lines("b", 0, 20_000));
        append(dir.resolve("c.log"), lines("c", 0, 2_000));
        start("[" + entry("busy", "busy/*.log", "") + "," + entry("quiet", "c.log", "") + "]", 10);
        for (int poll = 1; poll <= 4; poll++) {
            assertEquals(Map.of("a.log", 250L, "b.log", 250L, "c.log", 500L), linesPerFile(pollAndCommit(1000)),
                    "poll " + poll);
        }
        Map<String, Long> afterTheQuietOne = linesPerFile(pollAndCommit(1000));
        assertEquals(java.util.Set.of("a.log", "b.log"), afterTheQuietOne.keySet(), "what c.log left is shared");
        assertEquals(1000, afterTheQuietOne.get("a.log") + afterTheQuietOne.get("b.log"));
        assertTrue(afterTheQuietOne.get("a.log") >= 250 && afterTheQuietOne.get("b.log") >= 250,
                afterTheQuietOne.toString());
    }

    private static Map<String, Long> linesPerFile(List<LogEvent> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.path().substring(e.path().length() - 5),
                Collectors.counting()));
    }

    @Test
    void doubleStarMayAppearSeveralTimes() throws IOException {
        for (String path : List.of("a/b/c.log", "a/x/b/c.log", "a/b/y/c.log", "a/x/b/y/c.log", "a/c.log", "a/x/c.log")) {
            Files.createDirectories(dir.resolve(path).getParent());
            append(dir.resolve(path), path + "\n");
        }
        start("[" + entry("stars", "a/**/b/**/c.log", "") + "]", 10);
        assertEquals(java.util.Set.of("a/b/c.log", "a/x/b/c.log", "a/b/y/c.log", "a/x/b/y/c.log"),
                new java.util.HashSet<>(messages(drain())));
    }

    @Test
    void aLinkToTheRootUnderDoubleStarIsNotFollowedAndLinkCyclesEnd() throws IOException {
        Files.createDirectories(dir.resolve("logs/sub"));
        append(dir.resolve("logs/sub/app.log"), "app\n");
        Files.createSymbolicLink(dir.resolve("logs/root"), Path.of("/"));
        Files.createSymbolicLink(dir.resolve("logs/sub/loop"), dir.resolve("logs"));
        start("[" + entry("links", "logs/**/*.log", "") + "]", 10);
        assertEquals(List.of("app"), messages(drain()));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("logs/root is a symbolic link to a directory outside the allowed paths"),
                errors.toString());
    }

    @Test
    void aScanStopsAtItsEntryLimitWithAClearErrorAndLetsGoOfNothing() throws IOException {
        append(dir.resolve("keep.log"), "keep\n");
        start("[" + entry("limit", "*.log", "") + "]", new TailSettings("host-1",
                AllowedPaths.of(List.of(dir.toString())), 1000, 5, 1024, 2000, 10, -1, false, 1L << 30));
        assertEquals(List.of("keep"), messages(drain()));
        for (int i = 0; i < 10; i++) {
            append(dir.resolve("more" + i + ".log"), "more\n");
        }
        drain(5);
        assertTrue(errors.stream().anyMatch(e -> e.contains("the scan stopped after 5 directory entries")),
                errors.toString());
        assertTrue(checkpoints.get("limit").files().values().stream().allMatch(missingSince -> missingSince == 0),
                "a file was let go although the scan did not reach it: " + checkpoints.get("limit"));
    }

    @Test
    void positionsOfFilesGoneForTheRetentionAreDeletedAlsoAfterARestart() throws IOException {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        append(first, "one\n");
        append(second, "two\n");
        String entries = "[" + entry("clean", "*.log", "") + "]";
        start(entries, settings(10, 2000, 10_000, false));
        assertEquals(java.util.Set.of("one", "two"), new java.util.HashSet<>(messages(drain())));
        assertEquals(2, committed.size());
        Files.delete(first);
        drain(15);
        assertEquals(1, expired.size(), expired.toString());
        assertEquals(1, committed.size());
        assertEquals(1, checkpoints.get("clean").files().size());
        engine.close();
        Files.delete(second);
        start(entries, settings(10, 2000, 10_000, false));
        drain(15);
        assertEquals(2, expired.size(), expired.toString());
        assertEquals(Map.of(), committed);
        assertEquals(Map.of(), checkpoints.get("clean").files());
    }

    @Test
    void aWatchedDirectoryOpensANewFileBeforeItIsRenamedAwayWithinOneScanInterval() throws Exception {
        java.util.concurrent.Semaphore appeared = new java.util.concurrent.Semaphore(0);
        start("[" + entry("fast", "fast.log", "") + "]", settings(10, 60_000, -1, true), appeared::release);
        assertEquals(List.of(), messages(drain()));
        Path log = dir.resolve("fast.log");
        for (int generation = 0; generation < 3; generation++) {
            Files.createFile(log);
            assertTrue(appeared.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (engine.stats().filesOpen() < generation + 1 && System.nanoTime() < deadline) {
                assertEquals(List.of(), messages(pollAndCommit(1000)));
                Thread.sleep(10);
            }
            append(log, lines("g" + generation + "-", 0, 100));
            Files.move(log, dir.resolve("fast.log." + generation));
            assertLines(expected("g" + generation + "-", 0, 100), messages(pollAndCommit(1000)));
        }
    }

    private TailSettings settings(int maxOpenFiles, long maxHeldBytes) {
        return new TailSettings("host-1", AllowedPaths.of(List.of(dir.toString())), 1000, 100_000, 1024, 60_000,
                maxOpenFiles, -1, false, maxHeldBytes);
    }

    /**
     * Kafka away: the caller holds instead of polling while logrotate renames the live file and deletes the
     * generation before it. Every generation is read once the caller polls again, each line once, in order.
     */
    @Test
    void whileHoldingNewGenerationsAreOpenedAndDeletedOnesKeptUntilRead() throws IOException {
        start("[" + entry("live", "app.log", "") + "]", settings(100, 1L << 30));
        Path log = dir.resolve("app.log");
        append(log, lines("g0-", 0, 10));
        assertEquals(expected("g0-", 0, 10), messages(drain()));
        append(log, lines("g0-", 10, 20));
        for (int generation = 1; generation <= 4; generation++) {
            Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.REPLACE_EXISTING);
            append(log, lines("g" + generation + "-", 0, 20));
            clock.addAndGet(1000);
            engine.hold();
        }
        assertEquals(5, engine.stats().filesOpen(), "the live file and the four generations before it");
        assertTrue(engine.stats().heldBytes() > 0);
        List<LogEvent> events = drain();
        for (int generation = 0; generation <= 4; generation++) {
            String prefix = "g" + generation + "-";
            assertLines(expected(prefix, generation == 0 ? 10 : 0, 20),
                    messages(events.stream().filter(e -> e.message().startsWith(prefix)).toList()));
        }
        assertEquals(0, engine.stats().lostBytes());
        assertEquals(List.of(), losses);
    }

    /**
     * Past {@code max.held.bytes} the oldest orphan is let go; what it had unread is counted exactly, line for
     * line, and named, and every other line still comes once.
     */
    @Test
    void theHeldBytesBoundLetsGoOfTheOldestOrphanAndCountsItsLinesExactly() throws IOException {
        start("[" + entry("live", "app.log", "") + "]", settings(100, 700));
        Path log = dir.resolve("app.log");
        append(log, lines("g0-", 0, 5));
        assertEquals(expected("g0-", 0, 5), messages(drain()));
        append(log, lines("g0-", 5, 105));
        Files.move(log, dir.resolve("app.log.1"));
        append(log, lines("g1-", 0, 100));
        clock.addAndGet(1000);
        engine.hold();
        Files.move(log, dir.resolve("app.log.2"));
        append(log, lines("g2-", 0, 3));
        clock.addAndGet(1000);
        engine.hold();
        List<String> read = messages(drain());
        assertEquals(expected("g2-", 0, 3), read.stream().filter(m -> m.startsWith("g2-")).toList());
        long unreadOfFirst = lines("g0-", 5, 105).length();
        assertEquals(List.of(log + " " + unreadOfFirst + " 100"), losses.subList(0, 1), "named by its last path");
        long missing = 100 - read.stream().filter(m -> m.startsWith("g0-")).count()
                + 100 - read.stream().filter(m -> m.startsWith("g1-")).count();
        assertEquals(missing, engine.stats().lostLines(), "lost lines counted: " + losses);
        assertTrue(engine.stats().lostLines() >= 100);
        assertEquals(engine.stats().lostLines(), engine.stats().recentLosses().stream()
                .mapToLong(TailStats.FileLoss::lines).sum());
    }

    /** At {@code max.open.files} a new file gets the handle of the oldest orphan, whose loss is counted. */
    @Test
    void theOpenFileBoundLetsGoOfAnOrphanForANewFileAndCountsIt() throws IOException {
        start("[" + entry("live", "app.log", "") + "]", settings(2, 1L << 30));
        Path log = dir.resolve("app.log");
        append(log, lines("g0-", 0, 1));
        assertEquals(expected("g0-", 0, 1), messages(drain()));
        append(log, lines("g0-", 1, 11));
        Files.move(log, dir.resolve("app.log.1"));
        append(log, lines("g1-", 0, 10));
        clock.addAndGet(1000);
        engine.hold();
        Files.move(log, dir.resolve("app.log.2"));
        append(log, lines("g2-", 0, 10));
        clock.addAndGet(1000);
        engine.hold();
        List<String> read = messages(drain());
        assertEquals(List.of(log + " " + lines("g0-", 1, 11).length() + " 10"), losses);
        assertEquals(10, engine.stats().lostLines());
        assertLines(expected("g1-", 0, 10), read.stream().filter(m -> m.startsWith("g1-")).toList());
        assertLines(expected("g2-", 0, 10), read.stream().filter(m -> m.startsWith("g2-")).toList());
    }
}
