package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.Application;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run from a directory without routes/, the jar uses the routes packed into it. They are named one by one rather
 * than found with a wildcard: Camel finds {@code classpath:…/*.yaml} in a jar by reading (inflating) the whole
 * jar, 58 MB for the shaded jar, about a second of every start. Child JVM: the working directory is the point.
 */
class PackedRoutesTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("check from a directory without routes/ runs the packed routes without scanning the jar")
    void packedRoutesAreNamedNotScanned() throws Exception {
        Path jar = applicationJar(dir.resolve("app.jar"));
        Path work = Files.createDirectory(dir.resolve("work"));
        try (EmqxSimulator emqx = Fleets.smallFleet(new SteppedClock(Fleets.START), SimulatorOptions.defaults())) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load:file=" + dir.resolve("classes.log"),
                    "-Demqx.url=" + emqx.apiUrl(), "-Demqx.api.key=" + emqx.options().apiKey(),
                    "-Demqx.api.secret=" + emqx.options().apiSecret(), "-Demqx.clients=" + Fleets.SMALL_FLEET_CLIENTS,
                    "-Dmonitor.state-file=", "-cp", jar + File.pathSeparator + dependencyJars(),
                    Application.class.getName(), "check", "--color", "never"));
            Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);

            assertEquals(ExitCodes.NOT_ALL_CONNECTED, process.exitValue(), output);
            assertTrue(output.contains("QingpingCO2_Room2") && output.contains("absent"), "the poll ran:\n" + output);
            assertFalse(Files.readString(dir.resolve("classes.log")).contains("org.apache.camel.support.scan.PackageScanJarResource"),
                    "no jar was scanned for resources");
        }
    }

    /** The application's classes and packed resources as a jar with directory entries, as in the shaded jar. */
    private static Path applicationJar(Path jar) throws Exception {
        Path classes = Path.of("target", "classes").toAbsolutePath();
        try (var out = new JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> !f.equals(classes)).sorted()::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                out.putNextEntry(new JarEntry(Files.isDirectory(file) ? name + "/" : name));
                if (Files.isRegularFile(file)) {
                    Files.copy(file, out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String dependencyJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add(entry);
            }
        }
        return String.join(File.pathSeparator, jars);
    }
}
