package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.Application;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users script the command line: bad configuration is exit code 2 and one line on stderr, no stack trace. */
class CommandLineTest {

    @Test
    void aBadReferenceConfigFileExitsWith2AndOneClearLine() throws Exception {
        Path file = Files.createTempFile("config", ".yaml");
        Files.writeString(file, "emqx: {api_key: k, api_url: 'http://e/api', alias: e}\nmonitored_clients: [{alias: a, client_id: b}]\n");
        String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
        assertTrue(stderr.contains("configuration error: emqx.api.secret is not set"), stderr);
        assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
        Files.delete(file);
    }

    @Test
    void helpListsTheSubcommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Application.run(new String[]{"--help"}));
        } finally {
            System.setOut(original);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("demo"));
    }

    private static String runCapturingStderr(Runnable action) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
