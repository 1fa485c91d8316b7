package io.logcollect.metrics.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the metricsets read from /proc where OSHI has nothing, on copies of real files. */
class ProcFilesTest {

    @TempDir
    Path dir;

    @Test
    void packetsDroppedOnSendingComeFromTheTransmitColumnsOfProcNetDev() throws IOException {
        Path dev = dir.resolve("dev");
        Files.writeString(dev, """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 2376272159 1234567    0    0    0     0          0         0 2376272159 1234567    0    0    0     0       0          0
                  eth0: 987654321  654321    1    2    0     0          0        12 123456789  543210    3   17    0     0       0          0
                """);
        assertEquals(Map.of("lo", 0L, "eth0", 17L), NetworkMetricset.sendDrops(dev));
        assertEquals(Map.of(), NetworkMetricset.sendDrops(dir.resolve("absent")));
    }

    @Test
    void readAndWriteTimesComeFromTheSeventhAndEleventhColumnsOfDiskstats() throws IOException {
        Path diskstats = dir.resolve("diskstats");
        Files.writeString(diskstats, """
                 253       0 vda 104821 3113 6214742 48712 2275834 1512244 64826464 2876543 0 1624880 2925255 0 0 0 0
                 253       1 vda1 104700 3113 6210000 48700 2275800 1512244 64826400 2876500 0 1624800 2925200
                """);
        Map<String, long[]> times = DiskIoMetricset.readAndWriteTimes(diskstats);
        assertArrayEquals(new long[] {48712, 2876543}, times.get("vda"));
        assertArrayEquals(new long[] {48700, 2876500}, times.get("vda1"));
    }

    @Test
    void aProcessStateIsTheLetterAfterTheCommandWhateverTheCommandHolds() throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "42 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 0\n");
        assertEquals('I', ProcessSummaryMetricset.state(stat));
        Files.writeString(stat, "77 (odd) name ) (x) S 1 77 77 0 -1\n");
        assertEquals('S', ProcessSummaryMetricset.state(stat));
        assertEquals(null, ProcessSummaryMetricset.state(dir.resolve("gone")));
    }

    @Test
    void processesAreCountedInMetricbeatsBuckets() throws IOException {
        Map<String, Character> states = Map.of("1", 'S', "2", 'I', "3", 'R', "4", 'D', "5", 'Z', "6", 'X',
                "7", 'T', "8", 't', "9", 'S');
        for (Map.Entry<String, Character> process : states.entrySet()) {
            Path pid = Files.createDirectories(dir.resolve(process.getKey()));
            Files.writeString(pid.resolve("stat"), process.getKey() + " (p) " + process.getValue() + " 1 1 1\n");
        }
        Files.createDirectories(dir.resolve("self"));
        Document doc = new ProcessSummaryMetricset(dir).sample().get(0);
        List<String> buckets = List.of("total", "running", "sleeping", "disk_sleep", "idle", "stopped", "zombie",
                "dead", "unknown");
        List<Object> counts = buckets.stream().map(b -> doc.get("system.process.summary." + b)).toList();
        assertEquals(List.of(9, 1, 2, 1, 1, 1, 1, 1, 1), counts);
    }
}
