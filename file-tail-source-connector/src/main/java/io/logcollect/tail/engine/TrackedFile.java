package io.logcollect.tail.engine;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.logcollect.tail.identity.ContentCheck;
import io.logcollect.tail.identity.EventIds;
import io.logcollect.tail.identity.FileIdentity;
import io.logcollect.tail.multiline.LineGrouper;
import io.logcollect.tail.read.LineReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;

/** The reading state of one file of one entry, open or not. */
final class TrackedFile {

    /** The longest wait before a file that failed is tried again. */
    static final Duration MAX_RETRY_BACKOFF = Duration.ofMinutes(1);
    /** A file that fails is tried again after 1 s, then twice as long each time, up to a minute, forever. */
    private static final RetryPolicy<Object> RETRY = RetryPolicy.builder().handle(Throwable.class)
            .withBackoff(Duration.ofSeconds(1), MAX_RETRY_BACKOFF).withMaxRetries(-1).build();

    final EntryState entry;
    /** Its identity; its key is the file's source partition and the seed of its event ids. */
    final FileIdentity identity;
    final LineGrouper grouper;
    Path path;
    int epoch;
    EventIds eventIds;
    /** Where the reader starts when the file is (re)opened: the byte after the last line handed to the grouper. */
    long readPosition;
    /** Where reading resumes after a restart: the byte after the last emitted event. */
    long deliveredPosition;
    /** Stored with every position: bytes the file must still hold to be this file. */
    ContentCheck check = ContentCheck.NONE;
    FileChannel channel;
    LineReader reader;
    /**
     * Set when the file is opened again after it was closed: before reading on, the file must still hold what its
     * content check covers. A rewrite within one tick of a coarse file system clock keeps the modification time,
     * so the scan alone cannot tell it from growth.
     */
    boolean checkBeforeReading;
    long lastActivityMillis;
    long sizeSeen;
    /** Not matched by the last scan: renamed out of the globs or deleted. */
    boolean orphan;
    /** Its place in the order files were found: older generations of a log were found first. */
    final long discovered;
    /** The holder let go of it with bytes unread (counted as lost): it is no longer read or tracked. */
    boolean letGo;
    /** The failures since it was last read; null while it reads. It is not opened before {@link #retryAt}. */
    Execution<Object> failures;
    long retryAt;

    TrackedFile(EntryState entry, FileIdentity identity, Path path, long position, int epoch, String hostName,
                long nowMillis, long discovered) {
        this.entry = entry;
        this.identity = identity;
        this.path = path;
        this.grouper = entry.newGrouper();
        this.readPosition = position;
        this.deliveredPosition = position;
        this.epoch = epoch;
        this.eventIds = new EventIds(hostName, identity.key(), epoch);
        this.lastActivityMillis = nowMillis;
        this.discovered = discovered;
    }

    String key() {
        return identity.key();
    }

    boolean isOpen() {
        return channel != null;
    }

    void open(FileChannel channel) {
        this.channel = channel;
        this.checkBeforeReading = check.position() > 0;
        this.reader = new LineReader(channel, readPosition, entry.entry().encoding(), entry.entry().maxLineBytes());
    }

    /** Closes the handle; the reading state stays, so the file can be reopened where it was. */
    void close() {
        if (reader != null) {
            readPosition = reader.position();
        }
        reader = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a read-only handle loses nothing
            }
        }
        channel = null;
    }

    /** Remembers a failure: the next attempt waits longer. */
    void failed(long nowMillis, Exception cause) {
        if (failures == null) {
            failures = Execution.of(RETRY);
        }
        failures.recordException(cause);
        retryAt = nowMillis + failures.getDelay().toMillis();
    }

    boolean failing() {
        return failures != null;
    }

    boolean mayOpen(long nowMillis) {
        return failures == null || nowMillis >= retryAt;
    }

    /** Refreshes the content check to the reader's position once reading moved past it. */
    void updateCheck(int window) throws IOException {
        long position = reader.position();
        if (position != check.position()) {
            ContentCheck updated = ContentCheck.of(channel, position, window);
            if (updated != null) {
                check = updated;
            }
        }
    }

    /** Starts the file over from its first byte in a new epoch (it was truncated). */
    void restartAfterTruncation(String hostName) {
        epoch++;
        eventIds = new EventIds(hostName, identity.key(), epoch);
        grouper.reset();
        readPosition = 0;
        deliveredPosition = 0;
        check = ContentCheck.NONE;
        if (channel != null) {
            reader = new LineReader(channel, 0, entry.entry().encoding(), entry.entry().maxLineBytes());
        }
    }

    /** Bytes of the file not yet delivered, as of the last size seen. */
    long lag() {
        return Math.max(0, sizeSeen - deliveredPosition);
    }
}
