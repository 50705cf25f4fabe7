package io.emqxclientmonitor.support;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code promtool check metrics} on an exposition: no error, no lint finding (skipped where promtool is missing). */
public final class Promtool {
    private Promtool() {
    }

    public static void assertClean(String exposition) throws Exception {
        assumeTrue(Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool"))), "promtool is not installed");
        Path file = Files.createTempFile("exposition", ".txt");
        try {
            Files.writeString(file, exposition, StandardCharsets.UTF_8);
            Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            check.waitFor(30, TimeUnit.SECONDS);
            assertEquals(0, check.exitValue(), "promtool check metrics:\n" + output);
            assertEquals("", output.trim(), "promtool lint findings");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
