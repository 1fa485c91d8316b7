package io.logcollect.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleCommandTest {

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileAndPasswordsComeOnlyFromThoseTwo(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("console.properties");
        Files.writeString(config, "etcd.endpoints=http://from-file:2379\nconnection.url=http://from-file:9200\n"
                + "console.users.file=/etc/users\netcd.username=logcollect\netcd.password=file-secret\nconnection.password=es-secret\n");
        String[] args = {"--config", config.toString(), "--connection.url", "http://from-flag:9200"};
        CommandLine commandLine = ConsoleCommand.commandLine(args,
                Map.of("LOGCOLLECT_ETCD_ENDPOINTS", "http://from-env:2379", "LOGCOLLECT_ETCD_PASSWORD", "env-secret"));
        commandLine.parseArgs(args);
        ConsoleSettings settings = ((ConsoleCommand) commandLine.getCommand()).settings();

        assertEquals("http://from-env:2379", settings.etcd().endpoints().get(0).toString());
        assertEquals(List.of("http://from-flag:9200"), settings.search().urls());
        assertEquals("env-secret", settings.etcd().password());
        assertEquals("es-secret", new String(settings.search().password()));
        assertEquals(Path.of("/etc/users"), settings.usersFile());
        assertEquals(8470, settings.listenPort());
        assertFalse(settings.toString().contains("secret"), settings.toString());
    }

    @Test
    void aPasswordIsNoOptionAndTheUsersFileIsNeeded() {
        String[] password = {"--console.users.file", "/etc/users", "--etcd.password", "x"};
        assertEquals(2, ConsoleCommand.commandLine(password, Map.of()).execute(password));
        String[] noUsers = {};
        CommandLine commandLine = ConsoleCommand.commandLine(noUsers, Map.of());
        java.io.StringWriter err = new java.io.StringWriter();
        commandLine.setErr(new java.io.PrintWriter(err));
        assertEquals(2, commandLine.execute(noUsers));
        assertTrue(err.toString().contains("console.users.file is needed"), err.toString());
    }
}
