package io.logcollect.console.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserDirectoryTest {

    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(4, password.toCharArray());
    }

    @Test
    void theRightPasswordLetsInAndTheRoleIsReadAgainWhenTheFileChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "# users\nann:editor:" + hash("secret") + "\n\nvic:viewer:" + hash("other") + "\n");
        UserDirectory users = new UserDirectory(file);
        assertEquals(Role.EDITOR, users.authenticate("ann", "secret".toCharArray()).orElseThrow().role());
        assertEquals(Optional.empty(), users.authenticate("ann", "other".toCharArray()));
        assertEquals(Optional.empty(), users.authenticate("nobody", "secret".toCharArray()));
        assertTrue(users.authenticate("ann", "secret".toCharArray()).orElseThrow().toString().indexOf('$') < 0,
                "the hash is printed");

        Files.writeString(file, "vic:admin:" + hash("other") + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals(Optional.empty(), users.roleOf("ann"));
        assertEquals(Optional.of(Role.ADMIN), users.roleOf("vic"));
    }

    @Test
    void aBadLineIsNamedByItsNumber(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "ann:editor:" + hash("x") + "\nbob:boss:" + hash("y") + "\n");
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> new UserDirectory(file));
        assertEquals(file + " line 2: unknown role 'boss' (viewer, editor or admin)", role.getMessage());
        Files.writeString(file, "ann:editor:plaintext\n");
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> new UserDirectory(file));
        assertTrue(plain.getMessage().startsWith(file + " line 1: expected name:role:bcrypt-hash"));
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertTrue(Role.ADMIN.allows(Role.EDITOR));
        assertTrue(Role.EDITOR.allows(Role.VIEWER));
        assertTrue(!Role.VIEWER.allows(Role.EDITOR));
    }

    /**
     * A users file being written when it is read (half of it there) or broken by an edit must neither lock
     * everybody out nor fail every request: the last good version stays in force until the file is good again.
     */
    @Test
    void aBrokenOrHalfWrittenFileKeepsTheLastGoodUsers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "ann:editor:" + hash("secret") + "\nvic:viewer:" + hash("other") + "\n");
        UserDirectory users = new UserDirectory(file);
        Files.writeString(file, "ann:editor:" + hash("secret").substring(0, 20));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals(Optional.of(Role.VIEWER), users.roleOf("vic"));
        assertEquals(Role.EDITOR, users.authenticate("ann", "secret".toCharArray()).orElseThrow().role());
        Files.writeString(file, "ann:boss:" + hash("secret") + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertEquals(Optional.of(Role.VIEWER), users.roleOf("vic"));
    }

    /** bcrypt reads 72 bytes at most: a longer password is a wrong one, never a server error. */
    @Test
    void aPasswordLongerThanBcryptTakesIsRefusedLikeAWrongOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "ann:editor:" + hash("secret") + "\n");
        UserDirectory users = new UserDirectory(file);
        assertEquals(Optional.empty(), users.authenticate("ann", "x".repeat(73).toCharArray()));
        assertEquals(Optional.empty(), users.authenticate("ann", "\u00e9".repeat(40).toCharArray()));
        assertEquals(Optional.empty(), users.authenticate("nobody", "x".repeat(200).toCharArray()));
    }

    /** A session is bound to the password it logged in with: a changed or removed password ends it. */
    @Test
    void theCredentialOfAUserChangesWithItsPassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "ann:editor:" + hash("secret") + "\n");
        UserDirectory users = new UserDirectory(file);
        String before = users.credential("ann").orElseThrow();
        assertEquals(Optional.of(before), users.credential("ann"));
        Files.writeString(file, "ann:editor:" + hash("new secret") + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertTrue(!users.credential("ann").orElseThrow().equals(before));
        assertTrue(before.indexOf('$') < 0, "the credential is not the hash itself");
        assertEquals(Optional.empty(), users.credential("nobody"));
    }
}
