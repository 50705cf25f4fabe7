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

/** A route file in routes/ that is not valid YAML at start: one line naming file, line and column, exit code 2. */
class BrokenRouteFileTest {
    @TempDir
    Path dir;

    @Test
    void anUnclosedBracketIsOneLineAndExitCode2() throws Exception {
        Path routes = Files.createDirectory(dir.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Path metrics = routes.resolve("metrics.yaml");
        Files.writeString(metrics, Files.readString(metrics).replaceFirst("- route:", "- route: ["));
        Files.writeString(dir.resolve("application.properties"), String.join("\n",
                "emqx.api.key = k", "emqx.api.secret = s", "emqx.clients = a=c", "monitor.state-file =",
                "camel.server.port = 0", ""));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Application.class.getName()))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(2, process.exitValue(), output);
        List<String> errors = output.lines().filter(l -> l.contains("configuration error")).toList();
        assertEquals(1, errors.size(), output);
        assertTrue(errors.get(0).contains("routes" + File.separator + "metrics.yaml at line ")
                || errors.get(0).contains("routes/metrics.yaml at line "), errors.get(0));
        assertTrue(errors.get(0).contains(", column "), errors.get(0));
        assertTrue(output.lines().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), output);
    }
}
