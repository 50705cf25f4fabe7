package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.Application;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar reads application.properties from the working directory, where users edit it: its values win over the
 * copy packed in the jar, key by key (a file with a few keys takes the rest from the packed copy). Run as a child
 * JVM, since the working directory is the point.
 */
class WorkingDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void theWorkingDirectorysApplicationPropertiesWinsOverThePackedCopy() throws Exception {
        Files.writeString(dir.resolve("application.properties"), String.join("\n",
                "emqx.api.key = k", "emqx.api.secret = s", "emqx.clients = a=c", "monitor.state-file =",
                "monitor.poll-interval-seconds = 7s", ""));
        Process process = new ProcessBuilder(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                Application.class.getName(), "check"))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("monitor.poll-interval-seconds='7s' is not a whole number of seconds"),
                "the file's value was read (the packed copy says 15):\n" + output);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString() + (File.separatorChar == '\\' ? ".exe" : "");
    }
}
