package io.logcollect.tail.access;

import io.logcollect.policy.AllowedPaths;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Opens log files for reading only where the allowed paths permit, checked on the file actually opened.
 *
 * <p>A path is resolved to its real path, which must lie in an allowed directory; the file is then opened by
 * walking that real path from the allowed directory one name at a time, relative to the directory opened
 * before ({@code openat}), refusing to follow any symbolic link on the way. A link swapped in after the check
 * therefore makes the open fail instead of leading outside: the agent cannot be made to read {@code /etc/shadow}
 * by someone who can write in a log directory. Only regular files are opened (a FIFO would block the reader).
 */
public final class ConfinedFiles {

    private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

    private final AllowedPaths allowed;

    public ConfinedFiles(AllowedPaths allowed) {
        this.allowed = allowed;
    }

    /**
     * Opens a regular file for reading.
     *
     * @throws OutsideAllowedPathsException when the file resolves outside the allowed paths, or a link was
     *                                      swapped in on its way
     * @throws IOException                  when it cannot be opened (gone, not a regular file, unreadable)
     */
    public FileChannel open(Path path) throws IOException {
        Path real = path.toRealPath();
        Path root = allowed.realRootOf(real);
        if (root == null) {
            throw new OutsideAllowedPathsException(path + " resolves to " + real + ", outside the allowed paths "
                    + allowed);
        }
        Path relative = root.relativize(real);
        try (DirectoryStream<Path> rootStream = Files.newDirectoryStream(root)) {
            if (rootStream instanceof SecureDirectoryStream<Path> secure) {
                return openBelow(path, secure, relative, 0);
            }
        }
        return openChecked(path);
    }

    private FileChannel openBelow(Path path, SecureDirectoryStream<Path> directory, Path relative, int index)
            throws IOException {
        Path name = relative.getName(index);
        if (index < relative.getNameCount() - 1) {
            SecureDirectoryStream<Path> next;
            try {
                next = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
            } catch (FileSystemException e) {
                throw swapped(path, e);
            }
            try (next) {
                return openBelow(path, next, relative, index + 1);
            }
        }
        BasicFileAttributes attrs = directory.getFileAttributeView(name, BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).readAttributes();
        if (attrs.isSymbolicLink()) {
            throw new OutsideAllowedPathsException(path + " was replaced by a symbolic link while it was opened; "
                    + "it is not read");
        }
        if (!attrs.isRegularFile()) {
            throw new FileSystemException(path.toString(), null, "not a regular file");
        }
        SeekableByteChannel channel;
        try {
            channel = directory.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (FileSystemException e) {
            throw swapped(path, e);
        }
        if (channel instanceof FileChannel fileChannel) {
            return fileChannel;
        }
        channel.close();
        return openChecked(path);
    }

    private static IOException swapped(Path path, FileSystemException e) {
        String reason = e.getReason() == null ? "" : e.getReason();
        if (reason.contains("symbolic links") || reason.contains("Not a directory")) {
            return new OutsideAllowedPathsException(path + " changed into a symbolic link on its way while it was "
                    + "opened; it is not read");
        }
        return e;
    }

    /** Where the platform has no {@code openat}: open the real path, then check it still is that path. */
    private FileChannel openChecked(Path path) throws IOException {
        Path real = path.toRealPath();
        if (!allowed.permitsRealPath(real)) {
            throw new OutsideAllowedPathsException(path + " resolves to " + real + ", outside the allowed paths "
                    + allowed);
        }
        FileChannel channel = FileChannel.open(real, READ);
        try {
            if (!real.equals(path.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new OutsideAllowedPathsException(path + " changed while it was opened; it is not read");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
