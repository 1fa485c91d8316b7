package io.logcollect.console.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's users, from a file of lines {@code name:role:bcrypt-hash} ({@code #} starts a comment). The file is
 * read again when it changes, so adding a user needs no restart.
 */
public final class UserDirectory {

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

    /** A user who may log in. */
    public record User(String name, Role role, byte[] hash) {
        @Override
        public String toString() {
            return "User[" + name + ", " + role.label() + "]";
        }
    }

    public UserDirectory(Path file) {
        this.file = file;
        reloadIfChanged();
        if (users.isEmpty()) {
            throw new IllegalArgumentException("console.users.file " + file + " names no user");
        }
    }

    /** The user with this name and password; empty otherwise, whichever of the two is wrong. */
    public Optional<User> authenticate(String name, char[] password) {
        reloadIfChanged();
        User user = name == null ? null : users.get(name);
        byte[] hash = user == null ? DUMMY_HASH : user.hash();
        boolean verified = BCrypt.verifyer().verify(password, hash).verified;
        return user != null && verified ? Optional.of(user) : Optional.empty();
    }

    /** The user's role now, so a role taken away or a user removed counts at the next request. */
    public Optional<Role> roleOf(String name) {
        reloadIfChanged();
        return Optional.ofNullable(users.get(name)).map(User::role);
    }

    private synchronized void reloadIfChanged() {
        long modified;
        List<String> lines;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
            if (modified == loadedModified) {
                return;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (loadedModified < 0) {
                throw new IllegalArgumentException("cannot read console.users.file " + file + ": " + e.getMessage());
            }
            return;
        }
        Map<String, User> parsed = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || !parts[2].startsWith("$2")) {
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
        users = Map.copyOf(parsed);
        loadedModified = modified;
    }
}
