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
        // writes what a training run names: the AppCDS archive, the AOT configuration (record), the AOT cache (create);
        // as the demo, prints how to check its simulator (FAKE_DEMO_BANNER=no: not) and runs a little while
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "for a in \"$@\"; do echo \"$a\"; done >> \"$FAKE_JAVA_LOG\"",
                "echo --- >> \"$FAKE_JAVA_LOG\"",
                "echo \"${MALLOC_ARENA_MAX:-unset}\" > \"$FAKE_JAVA_LOG.env\"",
                "mode=", "for a in \"$@\"; do case \"$a\" in -XX:AOTMode=*) mode=${a#*=};; esac; done",
                "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*|-XX:AOTCacheOutput=*)"
                        + " [ \"${FAKE_JAVA_WRITES:-yes}\" = yes ] && echo archive > \"${a#*=}\";;"
                        + " -XX:AOTConfiguration=*) [ \"$mode\" = record ] && echo conf > \"${a#*=}\";;"
                        + " -XX:AOTCache=*) [ \"$mode\" = create ] && echo cache > \"${a#*=}\" && echo created;; esac; done",
                "[ \"$mode\" = create ] && exit 0",
                "for a in \"$@\"; do case \"$a\" in demo) [ \"${FAKE_DEMO_BANNER:-yes}\" = yes ] && echo"
                        + " '    java -Demqx.url=http://127.0.0.1:1/api -Demqx.alias=demo -Dmonitor.state-file= -jar app.jar check';"
                        + " sleep 1;; check) [ -n \"${FAKE_CHECK_EXIT:-}\" ] && exit \"$FAKE_CHECK_EXIT\";; esac; done",
                "[ -n \"${FAKE_JAVA_STDERR:-}\" ] && echo \"$FAKE_JAVA_STDERR\" >&2",
                "echo table", "exit ${FAKE_JAVA_EXIT:-0}", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String stdout, String stderr, List<List<String>> javaCalls) {
        List<String> last() {
            return javaCalls.get(javaCalls.size() - 1);
        }

        /** train's run of the demo (check's training run comes after it). */
        List<String> demo() {
            return javaCalls.stream().filter(call -> call.contains("demo")).findFirst().orElseThrow();
        }
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Path log = dir.resolve("java.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile()).directory(dir.toFile());
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
        return new Run(process.exitValue(), out, Files.readString(err), calls);
    }

    /** The archives in the cache dir (not their size files, not crash reports). */
    private List<Path> archives() throws Exception {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (var files = Files.list(cache)) {
            return files.filter(p -> !p.toString().endsWith(".size") && !p.getFileName().toString().startsWith("hs_err")).toList();
        }
    }

    private static boolean has(List<String> args, String prefix) {
        return args.stream().anyMatch(a -> a.startsWith(prefix));
    }

    @Test
    @DisplayName("JDK 17: the first check writes check's AppCDS archive, later checks and (until it has its own) the server use it")
    void jdk17TrainsOnCheckThenUsesTheArchive() throws Exception {
        Run first = run(Map.of(), "check", "--all");
        assertEquals(0, first.exit());
        assertEquals("table\n", first.stdout());
        assertTrue(has(first.last(), "-XX:ArchiveClassesAtExit="), first.last().toString());
        assertEquals(List.of("-jar", jar.toString(), "check", "--all"),
                first.last().subList(first.last().size() - 4, first.last().size()));
        List<Path> written = archives();
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.get(0).getFileName().toString().matches("check-jdk17-.*\\.jsa"), written.toString());

        Run second = run(Map.of(), "check");
        assertTrue(second.last().contains("-XX:SharedArchiveFile=" + written.get(0)), second.last().toString());
        assertFalse(has(second.last(), "-XX:ArchiveClassesAtExit="));
        Run server = run(Map.of(), "--cfg", "config.yaml");
        assertTrue(server.last().contains("-XX:SharedArchiveFile=" + written.get(0)), server.last().toString());
    }

    @Test
    @DisplayName("with an archive the JVM maps it where it was written (no relocation: its read-only pages stay shared "
            + "file pages), and glibc gets two malloc arenas unless MALLOC_ARENA_MAX is set")
    void archiveMappedInPlaceAndTwoMallocArenas() throws Exception {
        run(Map.of(), "check");
        Run server = run(Map.of(), "--cfg", "config.yaml");
        int archive = server.last().indexOf(server.last().stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).findFirst().orElseThrow());
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"), server.last().subList(archive - 2, archive));
        assertEquals("2", Files.readString(dir.resolve("java.log.env")).trim());

        run(Map.of("MALLOC_ARENA_MAX", "8"), "--cfg", "config.yaml");
        assertEquals("8", Files.readString(dir.resolve("java.log.env")).trim());
        Run plain = run(Map.of("ECM_CDS", "off"), "--cfg", "config.yaml");
        assertFalse(has(plain.last(), "-XX:ArchiveRelocationMode"), plain.last().toString());
    }

    @Test
    @DisplayName("JDK 25: the check records an AOT configuration, a second JVM with its output discarded creates the cache, later runs use it")
    void jdk25UsesTheAotCache() throws Exception {
        jdk(25);
        Run first = run(Map.of(), "check");
        assertEquals("table\n", first.stdout(), "nothing of the cache creation reaches check's output");
        assertEquals(2, first.javaCalls().size(), first.javaCalls().toString());
        List<String> record = first.javaCalls().get(0);
        assertTrue(record.contains("-XX:AOTMode=record") && has(record, "-XX:AOTConfiguration="), record.toString());
        assertFalse(has(record, "-XX:AOTCacheOutput="), "the one-step mode's child JVM prints to stdout");
        assertTrue(first.last().contains("-XX:AOTMode=create"), first.last().toString());
        List<Path> written = archives().stream().filter(p -> p.toString().endsWith(".aot")).toList();
        assertEquals(1, written.size(), archives().toString());
        assertTrue(written.get(0).getFileName().toString().matches("check-jdk25-.*\\.aot"), written.toString());
        assertFalse(archives().stream().anyMatch(p -> p.toString().contains(".conf") || p.toString().contains(".tmp")),
                archives().toString());
        assertTrue(run(Map.of(), "check").last().contains("-XX:AOTCache=" + written.get(0)));
    }

    @Test
    @DisplayName("train: a bounded run of the demo writes the server's archive (to ECM_ARCHIVE when set) and a check against "
            + "the demo's simulator writes check's (check-NAME next to it); each is used by its own")
    void trainWritesTheArchiveFromTheDemo() throws Exception {
        Path baked = dir.resolve("baked/app.jsa");
        Path bakedCheck = dir.resolve("baked/check-app.jsa");
        Files.createDirectories(baked.getParent());
        Run train = run(Map.of("ECM_ARCHIVE", baked.toString()), "train");
        assertEquals(0, train.exit(), train.stderr());
        List<String> demo = train.demo();
        assertTrue(has(demo, "-Dcamel.main.duration-max-seconds=") && has(demo, "-XX:ArchiveClassesAtExit=" + baked + "."),
                demo.toString());
        List<String> check = train.javaCalls().stream().filter(c -> c.contains("check")).findFirst().orElseThrow();
        assertTrue(check.containsAll(List.of("-Demqx.url=http://127.0.0.1:1/api", "-Demqx.alias=demo", "-Dmonitor.state-file="))
                && has(check, "-XX:ArchiveClassesAtExit=" + bakedCheck + "."), "the demo's own check command: " + check);
        assertEquals(List.of("-jar", jar.toString(), "check"), check.subList(check.size() - 3, check.size()), check.toString());
        try (var left = Files.list(baked.getParent())) {
            assertEquals(List.of(baked, Path.of(baked + ".size"), bakedCheck, Path.of(bakedCheck + ".size")), left.sorted().toList(),
                    "the archives and their size files, no temporary file left");
        }
        assertTrue(train.stdout().contains("wrote " + baked) && train.stdout().contains("wrote " + bakedCheck), train.stdout());
        assertTrue(run(Map.of("ECM_ARCHIVE", baked.toString())).last().contains("-XX:SharedArchiveFile=" + baked));
        assertTrue(run(Map.of("ECM_ARCHIVE", baked.toString()), "check").last().contains("-XX:SharedArchiveFile=" + bakedCheck));
        assertEquals(1, run(Map.of("FAKE_JAVA_WRITES", "no"), "train").exit(), "no archive written is a failed training");
    }

    @Test
    @DisplayName("train: when check's part fails (it exits 2, or the demo printed no check command) the server's archive is kept, "
            + "one line says check has none, and check uses the server's")
    void trainWithoutCheckArchiveKeepsTheServers() throws Exception {
        Run failedCheck = run(Map.of("FAKE_CHECK_EXIT", "2"), "train");
        assertEquals(0, failedCheck.exit(), failedCheck.stderr());
        assertEquals(1, archives().size(), archives().toString());
        Path server = theArchive();
        assertTrue(server.getFileName().toString().startsWith("app-jdk17-"), server.toString());
        assertEquals(1, failedCheck.stderr().lines().filter(l -> l.contains("no archive for check")).count(), failedCheck.stderr());
        assertTrue(failedCheck.stderr().contains("exited with code 2"), failedCheck.stderr());

        Run noBanner = run(Map.of("FAKE_DEMO_BANNER", "no"), "train");
        assertEquals(0, noBanner.exit());
        assertTrue(noBanner.stderr().contains("printed no check command"), noBanner.stderr());
        assertEquals(1, archives().size(), archives().toString());
        Run check = run(Map.of(), "check");
        assertTrue(has(check.last(), "-XX:ArchiveClassesAtExit="), "a writable cache: check writes its own " + check.last());
        assertEquals(2, archives().size(), archives().toString());
        Run baked = run(Map.of("ECM_ARCHIVE", server.toString()), "check");
        assertTrue(baked.last().contains("-XX:SharedArchiveFile=" + server), "no check archive baked: the server's " + baked.last());
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
    @DisplayName("every new jar gets new archives; the cache keeps the newest three of a kind, so upgrades do not fill the disk")
    void theCacheKeepsThreeArchivesOfAKind() throws Exception {
        for (int build = 1; build <= 5; build++) {
            Files.writeString(jar, "jar build " + build); // another size: another key
            Run check = run(Map.of(), "check");
            assertTrue(has(check.last(), "-XX:ArchiveClassesAtExit="), "build " + build + ": " + check.last());
            Thread.sleep(1100); // ls -t orders by modification time, to the second on some file systems
        }
        List<Path> left = archives();
        assertEquals(3, left.size(), left.toString());
        try (var sizes = Files.list(cache)) {
            assertEquals(3, sizes.filter(p -> p.toString().endsWith(".size")).count(), "no size file outlives its archive");
        }
        Run newest = run(Map.of(), "check");
        assertTrue(has(newest.last(), "-XX:SharedArchiveFile="), "the newest is kept and used: " + newest.last() + " " + left);
    }

    @Test
    @DisplayName("paths with spaces (a home like '/home/Jane Doe'): the cache dir, the crash-report path and ECM_ARCHIVE reach the JVM as one word each")
    void pathsWithSpacesStayWhole() throws Exception {
        Path spaced = dir.resolve("Jane Doe/cache");
        Run check = run(Map.of("ECM_CACHE_DIR", spaced.toString()), "check");
        assertEquals(0, check.exit(), check.stderr());
        assertTrue(check.last().stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + spaced + "/check-jdk17-")), check.last().toString());
        List<String> next = run(Map.of("ECM_CACHE_DIR", spaced.toString()), "check").last();
        assertTrue(next.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=" + spaced + "/check-jdk17-")), "the archive written is used: " + next);
        assertTrue(next.contains("-XX:ErrorFile=" + spaced + "/hs_err_pid%p.log"), "crash reports into the existing cache dir: " + next);

        Path baked = dir.resolve("my image/app.jsa");
        Files.createDirectories(baked.getParent());
        Run train = run(Map.of("ECM_ARCHIVE", baked.toString()), "train");
        assertEquals(0, train.exit(), train.stderr());
        assertTrue(Files.exists(baked) && Files.exists(baked.resolveSibling("check-app.jsa")), train.stdout());
        jdk(25);
        Run aot = run(Map.of("ECM_CACHE_DIR", spaced.toString()), "check");
        assertTrue(aot.javaCalls().get(0).stream().anyMatch(a -> a.startsWith("-XX:AOTConfiguration=" + spaced + "/")), aot.javaCalls().toString());
    }

    @Test
    @DisplayName("pruning the cache dir removes only archives with our size file: another file of a like name stays")
    void pruningSparesFilesThatAreNotOurs() throws Exception {
        Files.createDirectories(cache);
        Path foreign = Files.writeString(cache.resolve("check-jdk17-myown.jsa"), "someone else's");
        Files.setLastModifiedTime(foreign, java.nio.file.attribute.FileTime.fromMillis(0));
        for (int build = 1; build <= 4; build++) {
            Files.writeString(jar, "jar build " + build);
            run(Map.of(), "check");
            Thread.sleep(1100);
        }
        assertTrue(Files.exists(foreign), archives().toString());
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
    @DisplayName("no jar: one line naming the path ECM_JAR gave, exit code 2, no JVM started")
    void noJarIsOneClearLine() throws Exception {
        Run run = run(Map.of("ECM_JAR", dir.resolve("missing.jar").toString()), "check");
        assertEquals(2, run.exit());
        assertTrue(run.javaCalls().isEmpty());
        assertTrue(run.stderr().contains(dir.resolve("missing.jar").toString()), run.stderr());
        assertFalse(run.stderr().contains("or set ECM_JAR"), run.stderr());
    }

    private Path theArchive() throws Exception {
        List<Path> written = archives();
        assertEquals(1, written.size(), written.toString());
        return written.get(0);
    }

    @Test
    @DisplayName("a truncated or garbage archive (not the size its size file records) is deleted, not used, and written again")
    void aTruncatedArchiveIsNotUsedAndIsRewritten() throws Exception {
        run(Map.of(), "check");
        Path archive = theArchive();
        Files.writeString(archive, "arch"); // truncated: 4 bytes of the 8
        Run next = run(Map.of(), "check");
        assertEquals(0, next.exit());
        assertFalse(has(next.last(), "-XX:SharedArchiveFile="), next.last().toString());
        assertTrue(has(next.last(), "-XX:ArchiveClassesAtExit="), "written again: " + next.last());
        assertTrue(next.stderr().contains(archive.toString()), next.stderr());
        assertTrue(run(Map.of(), "check").last().contains("-XX:SharedArchiveFile=" + archive));

        Files.delete(Path.of(archive + ".size")); // a file of the right name that no finished run wrote
        assertFalse(has(run(Map.of(), "--cfg", "c.yaml").last(), "-XX:SharedArchiveFile="));
    }

    @Test
    @DisplayName("a JVM killed while it writes the archive leaves no archive in place: the next check writes it")
    void aKilledTrainingRunKeepsNothing() throws Exception {
        Run killed = run(Map.of("FAKE_JAVA_EXIT", "137"), "check");
        assertEquals(137, killed.exit());
        assertTrue(archives().isEmpty(), archives().toString());
        assertTrue(has(run(Map.of(), "check").last(), "-XX:ArchiveClassesAtExit="));
    }

    @Test
    @DisplayName("a check that failed (bad config, exit 2) keeps no archive: it loaded too little to be worth it")
    void aFailedCheckKeepsNoArchive() throws Exception {
        assertEquals(2, run(Map.of("FAKE_JAVA_EXIT", "2"), "check").exit());
        assertTrue(archives().isEmpty(), archives().toString());
        jdk(25);
        assertEquals(2, run(Map.of("FAKE_JAVA_EXIT", "2"), "check").exit());
        assertTrue(archives().isEmpty(), archives().toString());
    }

    @Test
    @DisplayName("a run with an archive that crashes (SIGBUS, SIGSEGV, abort) deletes the cached archive and says so")
    void aCrashWithTheArchiveDeletesIt() throws Exception {
        run(Map.of(), "check");
        Path archive = theArchive();
        Run crashed = run(Map.of("FAKE_JAVA_EXIT", "134"), "check");
        assertEquals(134, crashed.exit());
        assertTrue(crashed.last().contains("-XX:SharedArchiveFile=" + archive));
        assertFalse(Files.exists(archive));
        assertTrue(crashed.stderr().contains("deleted"), crashed.stderr());
        assertTrue(has(run(Map.of(), "check").last(), "-XX:ArchiveClassesAtExit="));
    }

    @Test
    @DisplayName("JVM crash reports go to the cache dir (or /tmp), not into the working directory, and VM output to stderr")
    void crashReportsStayOutOfTheWorkingDirectory() throws Exception {
        Files.createDirectories(cache);
        List<String> args = run(Map.of(), "check").last();
        assertTrue(args.contains("-XX:ErrorFile=" + cache + "/hs_err_pid%p.log"), args.toString());
        assertTrue(args.contains("-XX:+DisplayVMOutputToStderr"), args.toString());
    }

    @Test
    @DisplayName("ECM_ARCHIVE with a size file (train writes one) is used only when it matches")
    void aPrebuiltArchiveIsCheckedAgainstItsSizeFile() throws Exception {
        Path baked = dir.resolve("app.jsa");
        Path bakedCheck = dir.resolve("check-app.jsa");
        run(Map.of("ECM_ARCHIVE", baked.toString()), "train");
        assertTrue(Files.exists(Path.of(baked + ".size")) && Files.exists(Path.of(bakedCheck + ".size")));
        assertTrue(run(Map.of("ECM_ARCHIVE", baked.toString()), "check").last().contains("-XX:SharedArchiveFile=" + bakedCheck));
        Files.writeString(bakedCheck, "a");
        Run checkTruncated = run(Map.of("ECM_ARCHIVE", baked.toString()), "check");
        assertTrue(checkTruncated.last().contains("-XX:SharedArchiveFile=" + baked), "the server's instead: " + checkTruncated.last());
        assertTrue(checkTruncated.stderr().contains("not matching its size file") && checkTruncated.stderr().contains(bakedCheck.toString())
                && checkTruncated.stderr().lines().count() == 1, checkTruncated.stderr());
        Files.writeString(baked, "a");
        Run truncated = run(Map.of("ECM_ARCHIVE", baked.toString()), "check");
        assertFalse(has(truncated.last(), "-XX:SharedArchiveFile="), truncated.last().toString());
        assertTrue(truncated.stderr().contains("ECM_ARCHIVE") && truncated.stderr().lines().count() == 1, "both named in one line: " + truncated.stderr());
        assertFalse(has(run(Map.of("ECM_ARCHIVE", baked.toString())).last(), "-XX:SharedArchiveFile="));
    }

    @Test
    @DisplayName("train: a demo that fails shows its error line, passes its exit code on, writes and announces nothing")
    void aFailedTrainingSaysWhy() throws Exception {
        Run failed = run(Map.of("FAKE_JAVA_EXIT", "2", "FAKE_JAVA_STDERR", "Unknown option: 'foo'"), "train", "foo");
        assertEquals(2, failed.exit());
        assertTrue(failed.stderr().contains("Unknown option: 'foo'"), failed.stderr());
        assertFalse(failed.stdout().contains("wrote") || failed.stderr().contains("wrote"), failed.stdout());
        assertTrue(archives().isEmpty(), archives().toString());
    }

    @Test
    @DisplayName("train: the demo gets one --listen, the caller's if given, else a port the launcher chose (not a fixed one)")
    void trainListensWhereAsked() throws Exception {
        List<String> own = run(Map.of(), "train", "--listen", "127.0.0.1:19440").demo();
        assertEquals(1, own.stream().filter("--listen"::equals).count(), own.toString());
        assertTrue(own.contains("127.0.0.1:19440"), own.toString());
        List<String> chosen = run(Map.of(), "train").demo();
        String address = chosen.get(chosen.indexOf("--listen") + 1);
        assertFalse(address.endsWith(":19671"), address);
    }

    @Test
    @DisplayName("a GC named in JAVA_OPTS replaces the default serial GC; -Xmx in JAVA_OPTS drops the default -Xms")
    void javaOptsReplaceRivalDefaults() throws Exception {
        List<String> parallel = run(Map.of("JAVA_OPTS", "-XX:+UseParallelGC"), "check").last();
        assertFalse(parallel.contains("-XX:+UseSerialGC"), parallel.toString());
        assertTrue(parallel.contains("-XX:+UseParallelGC"));
        List<String> notAGc = run(Map.of("JAVA_OPTS", "-XX:+UseCompressedOops -XX:+DisableExplicitGC"), "check").last();
        assertTrue(notAGc.contains("-XX:+UseSerialGC"), "options that merely mention GC: " + notAGc);
        List<String> small = run(Map.of("JAVA_OPTS", "-Xmx6m"), "check").last();
        assertFalse(has(small, "-Xms"), small.toString());
    }

    @Test
    @DisplayName("ECM_HEAP: digits with k/m/g from 32m to 4t, checked before the JVM starts (one line, exit 2), passed as one word")
    void ecmHeapIsValidated() throws Exception {
        for (String bad : List.of("1.5g", "abc", "64m -Dx=1", "m", "-1m", "99999999999999999999g", "0k", "1m", "6m", "32767k",
                "999999999999g", "4097g")) {
            Run run = run(Map.of("ECM_HEAP", bad), "check");
            assertEquals(2, run.exit(), bad);
            assertTrue(run.javaCalls().isEmpty(), bad);
            assertEquals(1, run.stderr().lines().count(), run.stderr());
            assertTrue(run.stderr().contains("ECM_HEAP"), run.stderr());
        }
        List<String> small = run(Map.of("ECM_HEAP", "32m"), "check").last();
        assertTrue(small.contains("-Xmx32m") && small.contains("-Xms8m"), small.toString());
        assertTrue(run(Map.of("ECM_HEAP", "4096g"), "check").last().contains("-Xmx4096g"));
        List<String> big = run(Map.of("ECM_HEAP", "1G"), "check").last();
        assertTrue(big.contains("-Xmx1G") && big.contains("-Xms8m"), big.toString());
    }

    @Test
    @DisplayName("ECM_CDS other than auto/off, a JAVA_HOME without java: one line, exit code 2, no JVM started")
    void badLauncherSettingsAreOneLine() throws Exception {
        Run cds = run(Map.of("ECM_CDS", "bogus"), "check");
        assertEquals(2, cds.exit());
        assertTrue(cds.stderr().contains("ECM_CDS") && cds.stderr().lines().count() == 1, cds.stderr());
        Run noJdk = run(Map.of("JAVA_HOME", dir.resolve("nojdk").toString()), "check");
        assertEquals(2, noJdk.exit());
        assertTrue(noJdk.stderr().contains("JAVA_HOME") && noJdk.stderr().lines().count() == 1, noJdk.stderr());
    }

    @Test
    @DisplayName("the launcher passes TERM (and Ctrl-C's INT, as TERM) on to the JVM it runs as a child and exits with its code")
    void termReachesTheJvm() throws Exception {
        run(Map.of(), "check");
        stopsTheJvm(false);
        stopsTheJvm(true);
    }

    private void stopsTheJvm(boolean interrupt) throws Exception {
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "trap 'echo got-term >> \"$FAKE_JAVA_LOG\"; exit 143' TERM",
                "echo started >> \"$FAKE_JAVA_LOG\"", "while :; do sleep 0.1; done", ""));
        Path log = dir.resolve("java.log");
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", LAUNCHER.toString(), "--cfg", "c.yaml")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("ECM_") || k.equals("JAVA_OPTS"));
        builder.environment().putAll(Map.of("JAVA_HOME", jdk.toString(), "ECM_JAR", jar.toString(),
                "ECM_CACHE_DIR", cache.toString(), "FAKE_JAVA_LOG", log.toString()));
        Process process = builder.start();
        for (int i = 0; i < 100 && !(Files.exists(log) && Files.readString(log).contains("started")); i++) {
            Thread.sleep(50);
        }
        if (interrupt) {
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor());
        } else {
            process.destroy(); // SIGTERM to the launcher
        }
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(143, process.exitValue());
        assertTrue(Files.readString(log).contains("got-term"), Files.readString(log));
        assertEquals(1, archives().size(), "a TERM is not the archive's fault");
    }

    @Test
    @DisplayName("the launcher's environment variables are not EMQX_*, which the exporter refuses as unknown settings")
    void launcherVariablesDoNotCollideWithSettings() {
        String script = DeployKit.read(LAUNCHER);
        assertFalse(script.matches("(?s).*\\$\\{?EMQX_.*"), "reads an EMQX_* variable");
    }
}
