package io.logcollect.console.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's users, from a file of lines {@code name:role:bcrypt-hash} ({@code #} starts a comment). The file is
 * read again when it changes, so adding a user needs no restart. A version that cannot be read (an edit gone
 * wrong, a file caught half-written) is logged and the last good one stays in force: a typo locks nobody out and
 * fails no request.
 */
public final class UserDirectory {

    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);
    /** bcrypt reads this many bytes of a password at most; longer ones are refused, not cut. */
    private static final int BCRYPT_MAX_BYTES = 72;

    /** The cost factor of the hashes {@code logcollect-console hash-password} makes. */
    public static final int BCRYPT_COST = 12;

    /**
     * Checked when the name is unknown, so an unknown name takes as long as a wrong password; the cost is
     * {@code hash-password}'s.
     */
    private static final byte[] DUMMY_HASH = BCrypt.withDefaults().hash(BCRYPT_COST, new char[] {'x'});

    private final Path file;
    private volatile Map<String, User> users = Map.of();
    private volatile long loadedModified = -1;
    private boolean unreadable;

    /** A user who may log in. */
    public record User(String name, Role role, byte[] hash) {
        @Override
        public String toString() {
            return "User[" + name + ", " + role.label() + "]";
        }
    }

    public UserDirectory(Path file) {
        this.file = file;
        Map<String, User> first = parse(read());
        users = first;
        if (users.isEmpty()) {
            throw new IllegalArgumentException("console.users.file " + file + " names no user");
        }
    }

    /** The user with this name and password; empty otherwise, whichever of the two is wrong. */
    public Optional<User> authenticate(String name, char[] password) {
        reloadIfChanged();
        User user = name == null ? null : users.get(name);
        byte[] hash = user == null ? DUMMY_HASH : user.hash();
        boolean tooLong = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password)).remaining() > BCRYPT_MAX_BYTES;
        // a password bcrypt cannot take still costs a check, so its length cannot be told from the time it takes
        boolean verified = BCrypt.verifyer().verify(tooLong ? new char[] {'x'} : password, hash).verified;
        return user != null && verified && !tooLong ? Optional.of(user) : Optional.empty();
    }

    /**
     * What binds a session to the password it logged in with: a digest of the user's hash, which changes with the
     * password; empty for a user no longer in the file.
     */
    public Optional<String> credential(String name) {
        reloadIfChanged();
        User user = name == null ? null : users.get(name);
        if (user == null) {
            return Optional.empty();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.hash());
            return Optional.of(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The user's role now, so a role taken away or a user removed counts at the next request. */
    public Optional<Role> roleOf(String name) {
        reloadIfChanged();
        return Optional.ofNullable(users.get(name)).map(User::role);
    }

    private synchronized void reloadIfChanged() {
        long modified;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            if (!unreadable) {
                unreadable = true;
                log.error("Cannot read console.users.file {} ({}); the users read before stay in force", file,
                        e.getMessage());
            }
            return;
        }
        unreadable = false;
        if (modified == loadedModified) {
            return;
        }
        loadedModified = modified;
        try {
            users = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            log.info("Read the console's users again from {}: {} users", file, users.size());
        } catch (IOException | IllegalArgumentException e) {
            log.error("console.users.file {} cannot be used as it is now ({}); the users read before stay in force"
                    + " until it is fixed", file, e.getMessage());
        }
    }

    private List<String> read() {
        try {
            loadedModified = Files.getLastModifiedTime(file).toMillis();
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read console.users.file " + file + ": " + e.getMessage());
        }
    }

    /** The users of a file's lines; a line that is not {@code name:role:bcrypt-hash} is named by its number. */
    private Map<String, User> parse(List<String> lines) {
        Map<String, User> parsed = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || !parts[2].matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + ": expected name:role:bcrypt-hash (make the hash with: logcollect-console hash-password)");
            }
            Role role;
            try {
                role = Role.parse(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
            parsed.put(parts[0], new User(parts[0], role, parts[2].getBytes(StandardCharsets.US_ASCII)));
        }
        return Map.copyOf(parsed);
    }
}
