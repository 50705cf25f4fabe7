package io.emqxclientmonitor.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/bin/emqx-client-monitor, run by /bin/sh with a stand-in JDK whose {@code java} records its arguments,
 * writes the archive a training run names, and exits with a given status: what the launcher passes to the JVM,
 * when it writes and when it uses a class-data archive, and that it falls back to a plain {@code java -jar}.
 */
class LauncherScriptTest {
    private static final Path LAUNCHER = DeployKit.ROOT.resolve("deploy/bin/emqx-client-monitor");

    @TempDir
    Path dir;
    private Path jdk;
    private Path jar;
    private Path cache;

    @BeforeEach
    void fakeJdk() throws Exception {
        jar = Files.writeString(dir.resolve("emqx-client-monitor.jar"), "not really a jar");
        cache = dir.resolve("cache");
        jdk(17);
    }

    private void jdk(int feature) throws Exception {
        jdk = Files.createDirectories(dir.resolve("jdk" + feature + "/bin")).getParent();
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + feature + ".0.2\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "for a in \"$@\"; do echo \"$a\"; done >> \"$FAKE_JAVA_LOG\"",
                "echo --- >> \"$FAKE_JAVA_LOG\"",
                "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*|-XX:AOTCacheOutput=*)"
                        + " [ \"${FAKE_JAVA_WRITES:-yes}\" = yes ] && echo archive > \"${a#*=}\";; esac; done",
                "echo table", "exit ${FAKE_JAVA_EXIT:-0}", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String stdout, List<List<String>> javaCalls) {
        List<String> last() {
            return javaCalls.get(javaCalls.size() - 1);
        }
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Path log = dir.resolve("java.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("ECM_") || k.equals("JAVA_OPTS"));
        environment.putAll(Map.of("JAVA_HOME", jdk.toString(), "ECM_JAR", jar.toString(),
                "ECM_CACHE_DIR", cache.toString(), "FAKE_JAVA_LOG", log.toString()));
        environment.putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        List<List<String>> calls = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
            if (line.equals("---")) {
                calls.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        return new Run(process.exitValue(), out, calls);
    }

    private List<Path> archives() throws Exception {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (var files = Files.list(cache)) {
            return files.toList();
        }
    }

    private static boolean has(List<String> args, String prefix) {
        return args.stream().anyMatch(a -> a.startsWith(prefix));
    }

    @Test
    @DisplayName("JDK 17: the first check writes an AppCDS archive, later checks and the server use it")
    void jdk17TrainsOnCheckThenUsesTheArchive() throws Exception {
        Run first = run(Map.of(), "check", "--all");
        assertEquals(0, first.exit());
        assertEquals("table\n", first.stdout());
        assertTrue(has(first.last(), "-XX:ArchiveClassesAtExit="), first.last().toString());
        assertEquals(List.of("-jar", jar.toString(), "check", "--all"),
                first.last().subList(first.last().size() - 4, first.last().size()));
        List<Path> written = archives();
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.get(0).getFileName().toString().matches("app-jdk17-.*\\.jsa"), written.toString());

        Run second = run(Map.of(), "check");
        assertTrue(second.last().contains("-XX:SharedArchiveFile=" + written.get(0)), second.last().toString());
        assertFalse(has(second.last(), "-XX:ArchiveClassesAtExit="));
        Run server = run(Map.of(), "--cfg", "config.yaml");
        assertTrue(server.last().contains("-XX:SharedArchiveFile=" + written.get(0)), server.last().toString());
    }

    @Test
    @DisplayName("JDK 25: an AOT cache instead (-XX:AOTCacheOutput, then -XX:AOTCache)")
    void jdk25UsesTheAotCache() throws Exception {
        jdk(25);
        Run first = run(Map.of(), "check");
        assertTrue(has(first.last(), "-XX:AOTCacheOutput="), first.last().toString());
        List<Path> written = archives();
        assertEquals(1, written.size());
        assertTrue(written.get(0).getFileName().toString().matches("app-jdk25-.*\\.aot"), written.toString());
        assertTrue(run(Map.of(), "check").last().contains("-XX:AOTCache=" + written.get(0)));
    }

    @Test
    @DisplayName("train: a bounded run of the demo writes the archive (to ECM_ARCHIVE when set), which the server then uses")
    void trainWritesTheArchiveFromTheDemo() throws Exception {
        Path baked = dir.resolve("baked/app.jsa");
        Files.createDirectories(baked.getParent());
        Run train = run(Map.of("ECM_ARCHIVE", baked.toString()), "train");
        assertEquals(0, train.exit());
        assertTrue(train.last().contains("demo") && has(train.last(), "-Dcamel.main.duration-max-seconds=")
                && has(train.last(), "-XX:ArchiveClassesAtExit="), train.last().toString());
        assertTrue(Files.exists(baked));
        try (var left = Files.list(baked.getParent())) {
            assertEquals(List.of(baked), left.toList(), "no temporary file left");
        }
        assertTrue(run(Map.of("ECM_ARCHIVE", baked.toString())).last().contains("-XX:SharedArchiveFile=" + baked));
        assertEquals(1, run(Map.of("FAKE_JAVA_WRITES", "no"), "train").exit(), "no archive written is a failed training");
    }

    @Test
    @DisplayName("a JDK update (same feature version) gets a new archive instead of a stale one the JVM would ignore")
    void aJdkUpdateGetsANewArchive() throws Exception {
        run(Map.of(), "check");
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.3\"\n");
        Run updated = run(Map.of(), "check");
        assertTrue(has(updated.last(), "-XX:ArchiveClassesAtExit="), updated.last().toString());
        assertEquals(2, archives().size(), archives().toString());
    }

    @Test
    @DisplayName("the server never trains: without an archive it is a plain java -jar with the defaults")
    void theServerDoesNotTrain() throws Exception {
        Run server = run(Map.of());
        assertFalse(has(server.last(), "-XX:ArchiveClassesAtExit=") || has(server.last(), "-XX:SharedArchiveFile="));
        assertTrue(archives().isEmpty());
        assertTrue(server.last().containsAll(List.of("-XX:+UseSerialGC", "-jar", jar.toString())), server.last().toString());
    }

    @Test
    @DisplayName("no heap cap unless ECM_HEAP asks for one: a fixed default would end a large fleet's process")
    void noHeapCapByDefault() throws Exception {
        assertFalse(run(Map.of()).last().stream().anyMatch(a -> a.startsWith("-Xmx")));
        assertFalse(run(Map.of(), "check").last().stream().anyMatch(a -> a.startsWith("-Xmx")));
    }

    @Test
    @DisplayName("ECM_CDS=off: no archive flag at all; JAVA_OPTS come after the defaults, so they win")
    void cdsOffIsAPlainJavaJar() throws Exception {
        Run off = run(Map.of("ECM_CDS", "off", "ECM_HEAP", "128m", "JAVA_OPTS", "-Xmx300m -Dx=y"), "check");
        assertFalse(off.last().stream().anyMatch(a -> a.contains("Archive") || a.contains("AOT")), off.last().toString());
        assertTrue(off.last().indexOf("-Xmx128m") >= 0, off.last().toString());
        assertTrue(off.last().indexOf("-Xmx300m") > off.last().indexOf("-Xmx128m"), off.last().toString());
        assertTrue(archives().isEmpty());
    }

    @Test
    @DisplayName("a prebuilt archive (ECM_ARCHIVE) is used as is and never written; a missing one means no archive")
    void aPrebuiltArchiveIsUsed() throws Exception {
        Path baked = Files.writeString(dir.resolve("app.jsa"), "archive");
        assertTrue(run(Map.of("ECM_ARCHIVE", baked.toString()), "check").last().contains("-XX:SharedArchiveFile=" + baked));
        Run missing = run(Map.of("ECM_ARCHIVE", dir.resolve("none.jsa").toString()), "check");
        assertFalse(has(missing.last(), "-XX:SharedArchiveFile=") || has(missing.last(), "-XX:ArchiveClassesAtExit="));
    }

    @Test
    @DisplayName("check's exit code comes through a training run; a run that wrote no archive leaves no file behind")
    void exitCodesPassThroughAndFailedTrainingLeavesNothing() throws Exception {
        Run failed = run(Map.of("FAKE_JAVA_EXIT", "2", "FAKE_JAVA_WRITES", "no"), "check");
        assertEquals(2, failed.exit());
        assertTrue(archives().isEmpty(), archives().toString());
        assertEquals(1, run(Map.of("FAKE_JAVA_EXIT", "1"), "check").exit());
        assertEquals(1, archives().size(), "an archive written by a check that found a client offline is fine");
    }

    @Test
    @DisplayName("a cache directory that cannot be created: no archive, the check runs anyway")
    void anUnwritableCacheIsNoArchive() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Run run = run(Map.of("ECM_CACHE_DIR", file.resolve("sub").toString()), "check");
        assertEquals(0, run.exit());
        assertFalse(has(run.last(), "-XX:ArchiveClassesAtExit="));
    }

    @Test
    @DisplayName("no jar: one line saying how to build it, exit code 2, no JVM started")
    void noJarIsOneClearLine() throws Exception {
        Run run = run(Map.of("ECM_JAR", dir.resolve("missing.jar").toString()), "check");
        assertEquals(2, run.exit());
        assertTrue(run.javaCalls().isEmpty());
    }

    @Test
    @DisplayName("the launcher's environment variables are not EMQX_*, which the exporter refuses as unknown settings")
    void launcherVariablesDoNotCollideWithSettings() {
        String script = DeployKit.read(LAUNCHER);
        assertFalse(script.matches("(?s).*\\$\\{?EMQX_.*"), "reads an EMQX_* variable");
    }
}
