package io.logcollect.tail;

import io.logcollect.host.HostIdentity;
import io.logcollect.policy.AllowedPaths;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.Map;

/** Configuration of {@link FileTailSourceConnector} and its tasks. */
public final class FileTailSourceConfig extends AbstractConfig {

    public static final String COLLECT_ENTRIES = "collect.entries";
    public static final String COLLECT_POLICY = "collect.policy";
    public static final String ALLOWED_PATHS = "allowed.paths";
    public static final String HOST_NAME = "host.name";
    public static final String SCAN_INTERVAL_MS = "scan.interval.ms";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String FINGERPRINT_BYTES = "fingerprint.bytes";
    public static final String CLOSE_INACTIVE_MS = "close.inactive.ms";
    public static final String MAX_OPEN_FILES = "max.open.files";
    public static final String MAX_HELD_BYTES = "max.held.bytes";
    public static final String RECORD_KEY = "record.key";
    public static final String SCAN_MAX_ENTRIES = "scan.max.entries";
    public static final String CLEAN_REMOVED_MS = "clean.removed.ms";
    public static final String WATCH_ENABLED = "watch.enabled";
    public static final String STATUS_TOPIC = "status.topic";
    public static final String STATUS_INTERVAL_MS = "status.interval.ms";
    /**
     * Task configs only: the entries the connector assigned to a task, which is exactly what the task runs.
     * Not a connector key, so Connect stores it resolved and task configs differ whenever the entries do, which
     * makes workers replace the tasks (DESIGN.md section 5).
     */
    public static final String TASK_ENTRIES = "task.entries";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(COLLECT_ENTRIES, Type.STRING, "[]", Importance.HIGH,
                    "The collection entries: a JSON array (DESIGN.md section 2), usually "
                            + "${etcd:/logcollect/policies/<policy>:entries}. Each entry names absolute globs, a topic, "
                            + "an encoding, multiline rules and labels. A bad entry is reported by id and skipped; "
                            + "the others run.")
            .define(COLLECT_POLICY, Type.STRING, "", Importance.MEDIUM,
                    "The policy these entries belong to; copied into every record as labels.policy.")
            .define(ALLOWED_PATHS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated absolute directories. Nothing outside them is ever read, after resolving "
                            + "'..' and symbolic links. A worker-local setting: never take it from etcd.")
            .define(HOST_NAME, Type.STRING, null, Importance.MEDIUM,
                    "host.name of every record and part of every event id. Default: this machine's host name.")
            .define(SCAN_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.MEDIUM,
                    "How often the globs are scanned for new, renamed, truncated and removed files.")
            .define(POLL_INTERVAL_MS, Type.LONG, 200L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "The longest a task waits when no file has a new complete line. Right after reading lines it "
                            + "looks again within 10 ms, doubling the wait on each empty look up to this, so a "
                            + "steadily written file is shipped within milliseconds and quiet files cost nothing.")
            .define(BATCH_MAX_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "At most this many records per poll.")
            .define(FINGERPRINT_BYTES, Type.INT, 1024, ConfigDef.Range.between(16, 1024 * 1024), Importance.LOW,
                    "A file is identified by its device and inode plus a hash of its first line, or of this many "
                            + "first bytes when the first line is longer. A file is collected as soon as its first "
                            + "line is complete, however small.")
            .define(CLOSE_INACTIVE_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "An open file that has not grown for this long is closed; it is reopened when it grows. A file "
                            + "renamed out of the globs or deleted is read to its end and finished after this long.")
            .define(MAX_OPEN_FILES, Type.INT, 1024, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Cap on open file handles per task. To make room, an idle file read to its end is closed "
                            + "first (it is opened again when it grows); then the oldest file renamed out of the globs "
                            + "or deleted is let go, its unread lines counted as lost (status record, metrics, a "
                            + "WARN naming it). A file the globs still match waits on disk for room.")
            .define(MAX_HELD_BYTES, Type.LONG, 1L << 30, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "While Kafka cannot take lines, the agent keeps every file it matched open, renamed out of "
                            + "the globs or deleted too, and reads them to their end once Kafka is back. This bounds "
                            + "the unread bytes of such files it holds (deleted ones still take disk space until "
                            + "let go). Past it the oldest is let go and its unread bytes and lines are counted as "
                            + "lost: in the status record, the task's metrics, the agent registry and a WARN naming "
                            + "the file.")
            .define(RECORD_KEY, Type.STRING, "file", ConfigDef.ValidString.in("file", "none"), Importance.LOW,
                    "Record key: 'file' (host and file identity, so a file's lines stay in order on one "
                            + "partition) or 'none'.")
            .define(SCAN_MAX_ENTRIES, Type.INT, 100_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "A scan of one entry stops, with an error in the log, after looking at this many directory "
                            + "entries, so a glob such as /** cannot make the agent walk a whole file system.")
            .define(CLEAN_REMOVED_MS, Type.LONG, 86_400_000L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    "The stored position of a file that no scan has found for this long (deleted, or renamed "
                            + "out of the globs) is deleted from the offsets, so they do not grow forever. A file "
                            + "found again after that is read from its first byte. -1 keeps positions forever.")
            .define(WATCH_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                    "Also watch the directories the globs walk (inotify), so a new file is opened as soon as it "
                            + "appears, even if it is renamed away before the next scan. Scans go on either way.")
            .define(STATUS_TOPIC, Type.STRING, "logcollect-status", Importance.MEDIUM,
                    "Topic of the agent's own records: the checkpoint of each entry (when it was first applied, "
                            + "which files have stored positions), deleted positions, and the task's status every "
                            + "status.interval.ms. It must exist or be created automatically by the broker.")
            .define(STATUS_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How often each task writes its status to status.topic: files tracked, open and failing, "
                            + "bytes behind and the files most behind, lines and bytes read since the last status, "
                            + "errors and the last one, a hash of its entries. 0 writes none.");

    public FileTailSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        allowedPaths();
    }

    public AllowedPaths allowedPaths() {
        try {
            return AllowedPaths.of(getList(ALLOWED_PATHS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ALLOWED_PATHS, getList(ALLOWED_PATHS), e.getMessage());
        }
    }

    /** The host's one name (DESIGN.md section 9): this setting, else LOGCOLLECT_HOST_NAME, else the OS's. */
    public String hostName() {
        return HostIdentity.resolve(getString(HOST_NAME));
    }

    public boolean keyByFile() {
        return getString(RECORD_KEY).equals("file");
    }

    public String entries() {
        return getString(COLLECT_ENTRIES);
    }

    public String policy() {
        return getString(COLLECT_POLICY);
    }
}
