package io.emqxclientmonitor.bench;

import io.emqxclientmonitor.Application;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * What a user feels of the JVM (issue 12), measured side by side with baselines in the same run: {@code java -version},
 * {@code check} and start-up with a plain {@code java -jar} on JDK 17 against the shipped launcher
 * ({@code deploy/bin/emqx-client-monitor}: AppCDS on JDK 17, AOT cache on JDK 25, footprint defaults), RSS serving
 * 1,000 clients, CPU of the first polls against warmed-up ones, and the bytes EMQX serializes per monitored client with
 * and without {@code fields=}. Asserts nothing; appends to the report ({@code target/benchmark-startup.md}). Sections:
 * {@code -Dbench.only=startup,fields}. JDK 25 from {@code -Dbench.jdk25} (default Temurin 25's usual place), skipped if absent.
 */
class StartupBenchmark {
    private static final int FLEET = 100_000;
    private static final int ID_LENGTH = 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String UP = "emqx_client_monitor_up{broker=\"emqx\"} 1.0";

    private final StringBuilder report = new StringBuilder();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path work = Path.of("target", "bench", "startup").toAbsolutePath();
    private Fleet fleet;
    private EmqxSimulator emqx;

    @Test
    void run() throws Exception {
        String only = System.getProperty("bench.only", "startup,fields");
        if (!only.contains("startup") && !only.contains("fields")) {
            return;
        }
        fleet = Fleet.connected(Clock.systemUTC(), "sensor-", FLEET, ID_LENGTH);
        List<String> ids = fleet.clientIds();
        for (int i = 0; i < ids.size(); i += 3) {
            fleet.client(ids.get(i)).publish(i % 17, 1, 64).subscriptions(1);
        }
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        Files.createDirectories(work);
        line("# emqx-client-monitor: start-up, footprint, load on EMQX");
        line("");
        line("%s, %d cores, simulator: EMQX 5.8 with %,d connected clients in the benchmark JVM", System.getProperty("os.name"),
                Runtime.getRuntime().availableProcessors(), FLEET);
        try {
            if (only.contains("startup")) {
                startup();
            }
            if (only.contains("fields")) {
                fields();
            }
        } finally {
            emqx.close();
            Files.writeString(Path.of("target", "benchmark-startup.md"), report);
        }
    }

    // ------------------------------------------------------------------------------------------------ start-up

    private record Variant(String name, String javaHome, boolean launcher) {
    }

    private record Measured(double seconds, long peakRssKb, int exitCode) {
    }

    private void startup() throws Exception {
        Path shipped = shippedJar();
        Path jar = shipped != null ? shipped : runnableJar();
        String jdk17 = System.getProperty("java.home");
        String jdk25 = System.getProperty("bench.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");
        List<Variant> variants = new ArrayList<>(List.of(new Variant("JDK " + feature(jdk17) + ", java -jar", jdk17, false),
                new Variant("JDK " + feature(jdk17) + ", launcher (AppCDS)", jdk17, true)));
        if (Files.isExecutable(Path.of(jdk25, "bin", "java"))) {
            variants.add(new Variant("JDK " + feature(jdk25) + ", launcher (AOT cache)", jdk25, true));
        }
        Path cache = work.resolve("cache");
        deleteTree(cache);
        Path check100 = clientsFile(100);
        Path clients1000 = clientsFile(1_000);
        Path state = work.resolve("state-1000.json");

        line("");
        line("## What the user feels of the JVM (`-Dbench.only=startup`)");
        line("");
        line("Each cell: median of 5 runs (wall time, peak RSS from GNU time). Baseline `java -version` in the same run. "
                + "The launcher's archives are written first (`deploy/bin/emqx-client-monitor train`: a 10 s demo run and a check against "
                + "its simulator), not counted. `check` and the server run from a directory without routes/ (the packed routes).");
        line("");
        line(shipped != null ? "The jar: the shipped one, `target/emqx-client-monitor.jar`."
                : "The jar: a Class-Path layout of target/classes and its dependencies, NOT the shipped jar (missing or older "
                + "than the classes; build it first with `./mvnw -B -q package -DskipTests`): opening ~100 jars makes start-up slower.");
        line("");
        StringBuilder header = new StringBuilder("| what the user feels |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Variant v : variants) {
            header.append(' ').append(v.name()).append(" |");
            rule.append("---:|");
        }
        line(header.toString());
        line(rule.toString());

        List<String> version = new ArrayList<>();
        for (Variant v : variants) {
            version.add(cell(median(5, () -> time(List.of(java(v), "-version"), Map.of()))));
        }
        row("`java -version` (baseline)", version);

        for (Variant v : variants) {
            if (v.launcher()) {
                Measured trained = time(launcher(v, cache, jar, List.of("train")), Map.of());
                line("<!-- %s: train %.1f s, exit %d -->", v.name(), trained.seconds(), trained.exitCode());
            }
        }
        List<String> check = new ArrayList<>();
        List<String> checkRss = new ArrayList<>();
        for (Variant v : variants) {
            Map<String, String> settings = settings(check100, null);
            Measured m = median(5, () -> time(command(v, cache, jar, settings, List.of("check")), Map.of()));
            check.add(String.format(Locale.ROOT, "%.2f s", m.seconds()));
            checkRss.add(m.peakRssKb() / 1024 + " MB");
        }
        row("`check` with 100 clients, wall time", check);
        row("`check`, peak RSS", checkRss);

        // the state file of 1,000 clients, written once by a server run, restored by every measured start
        List<String> start = new ArrayList<>();
        List<String> rss = new ArrayList<>();
        List<String> cpu = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        Files.deleteIfExists(state);
        serve(variants.get(0), cache, jar, settings(clients1000, state), 5);
        for (Variant v : variants) {
            // three runs of 25 s each: start is the best of three, every other figure the run of the median CPU ratio
            List<double[]> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(serve(v, cache, jar, settings(clients1000, state), 25));
            }
            double fastest = runs.stream().mapToDouble(r -> r[0]).min().orElseThrow();
            runs.sort(java.util.Comparator.comparingDouble(r -> r[2] / r[3]));
            double[] median = runs.get(1);
            start.add(String.format(Locale.ROOT, "%.2f s", fastest));
            rss.add(String.format(Locale.ROOT, "%.0f MB", median[1]));
            owned.add(String.format(Locale.ROOT, "%.0f MB (file pages %.0f MB)", median[4], median[5]));
            cpu.add(String.format(Locale.ROOT, "%.0f / %.0f ms (%.1f×; runs %.1f–%.1f×)", median[2] * 1000, median[3] * 1000,
                    median[2] / median[3], runs.get(0)[2] / runs.get(0)[3], runs.get(2)[2] / runs.get(2)[3]));
        }
        row("start → first full `/metrics`, 1,000 ids, state file restored (best of 3 runs)", start);
        row("RSS serving 1,000 clients after 25 s (a poll and a scrape every second; the median run)", rss);
        row("of it private to the process (Private_Dirty; clean file pages shared with processes of the same files, PSS)", owned);
        row("CPU per poll, 1,000 ids: polls 1–3 after start / polls 20–24 (ratio)", cpu);
    }

    /**
     * Starts the server, waits for the first full /metrics; then, when {@code seconds} > 0, polls every second with a
     * scrape each second and samples the process's CPU per second. {start seconds, RSS MB, first CPU, warm CPU}.
     */
    private double[] serve(Variant v, Path cache, Path jar, Map<String, String> settings, int seconds) throws Exception {
        int port = RunningExporter.freePort();
        Map<String, String> s = new HashMap<>(settings);
        s.put("camel.server.port", Integer.toString(port));
        s.put("camel.server.host", "127.0.0.1");
        s.put("monitor.poll-interval-seconds", "1");
        s.put("monitor.first-poll-delay-ms", "0");
        long begin = System.nanoTime();
        Process process = new ProcessBuilder(command(v, cache, jar, s, List.of())).directory(emptyDir().toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile()).start();
        try {
            while (!String.valueOf(scrape(port)).contains(UP)) {
                if (!process.isAlive() || System.nanoTime() - begin > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("the exporter did not poll: see " + work.resolve("serve.log"));
                }
                Thread.sleep(10);
            }
            double started = (System.nanoTime() - begin) / 1e9;
            if (seconds < 24) {
                return new double[]{started, 0, 0, 0, 0, 0};
            }
            List<Double> perSecond = new ArrayList<>();
            long jvm = jvmPid(process);
            long last = cpuTicks(jvm);
            for (int i = 0; i < seconds; i++) {
                Thread.sleep(1000);
                scrape(port);
                long now = cpuTicks(jvm);
                perSecond.add((now - last) / 100.0); // USER_HZ
                last = now;
            }
            double first = perSecond.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double warm = perSecond.subList(19, 24).stream().mapToDouble(Double::doubleValue).average().orElse(0);
            return new double[]{started, rssKb(jvm) / 1024.0, first, warm, smapsKb(jvm, "Private_Dirty:") / 1024.0,
                    smapsKb(jvm, "Pss_File:") / 1024.0};
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private List<String> command(Variant v, Path cache, Path jar, Map<String, String> settings, List<String> args) {
        List<String> props = settings.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
        if (v.launcher()) {
            List<String> command = launcher(v, cache, jar, args);
            command.add(0, "env");
            command.add(1, "JAVA_OPTS=" + String.join(" ", props));
            return command;
        }
        List<String> command = new ArrayList<>(List.of(java(v)));
        command.addAll(props);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return command;
    }

    private static List<String> launcher(Variant v, Path cache, Path jar, List<String> args) {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + v.javaHome(), "ECM_JAR=" + jar,
                "ECM_CACHE_DIR=" + cache, "/bin/sh", Path.of("deploy", "bin", "emqx-client-monitor").toAbsolutePath().toString()));
        command.addAll(args);
        return command;
    }

    private Map<String, String> settings(Path clients, Path state) {
        Map<String, String> s = new HashMap<>();
        s.put("emqx.url", emqx.apiUrl());
        s.put("emqx.api.key", emqx.options().apiKey());
        s.put("emqx.api.secret", emqx.options().apiSecret());
        s.put("emqx.clients-file", clients.toString());
        s.put("monitor.state-file", state == null ? "" : state.toString());
        return s;
    }

    private static String java(Variant v) {
        return Path.of(v.javaHome(), "bin", "java").toString();
    }

    /** Wall time and peak RSS of one run, from GNU time when there is one. */
    private Measured time(List<String> command, Map<String, String> env) throws Exception {
        Path times = work.resolve("time.txt");
        Files.deleteIfExists(times);
        List<String> timed = new ArrayList<>(command);
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) {
            timed.addAll(0, List.of("/usr/bin/time", "-f", "%M", "-o", times.toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(timed).directory(emptyDir().toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("run.log").toFile());
        builder.environment().putAll(env);
        long begin = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("no end: " + command);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        long rss = -1;
        if (gnuTime && Files.exists(times)) {
            List<String> lines = Files.readAllLines(times);
            rss = Long.parseLong(lines.get(lines.size() - 1).trim());
        }
        return new Measured(seconds, rss, process.exitValue());
    }

    private interface Run {
        Measured once() throws Exception;
    }

    private static Measured median(int times, Run run) throws Exception {
        List<Measured> all = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            all.add(run.once());
        }
        double[] wall = all.stream().mapToDouble(Measured::seconds).sorted().toArray();
        long[] rss = all.stream().mapToLong(Measured::peakRssKb).sorted().toArray();
        return new Measured(wall[times / 2], rss[times / 2], all.get(0).exitCode());
    }

    private static String cell(Measured m) {
        return String.format(Locale.ROOT, "%.2f s, %d MB", m.seconds(), m.peakRssKb() / 1024);
    }

    private Path emptyDir() throws IOException {
        return Files.createDirectories(work.resolve("cwd"));
    }

    /** target/emqx-client-monitor.jar when it is at least as new as every compiled class (resources are copied again by every build), else null. */
    private static Path shippedJar() throws IOException {
        Path jar = Path.of("target", "emqx-client-monitor.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        Path classes = Path.of("target", "classes");
        try (var files = Files.walk(classes)) {
            long newest = files.filter(f -> f.toString().endsWith(".class")).mapToLong(f -> f.toFile().lastModified()).max().orElse(0);
            return jar.toFile().lastModified() >= newest ? jar : null;
        }
    }

    /** The packaged application as {@code java -jar} runs it: the classes, the packed resources, a Class-Path to the dependencies. */
    private Path runnableJar() throws IOException {
        Path jar = work.resolve("emqx-client-monitor.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Application.class.getName());
        // relative Class-Path entries (lib/…): class-data sharing archives no classes from URL entries
        Path lib = work.resolve("lib");
        deleteTree(lib);
        Files.createDirectories(lib);
        List<String> deps = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && !entry.contains("junit") && !entry.contains("jqwik") && !entry.contains("surefire")) {
                Path dep = Path.of(entry);
                Path copy = lib.resolve(deps.size() + "-" + dep.getFileName());
                Files.copy(dep, copy);
                deps.add("lib/" + copy.getFileName());
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", deps));
        Path classes = Path.of("target", "classes").toAbsolutePath();
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest); var files = Files.walk(classes)) {
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

    // ------------------------------------------------------------------------------------------------ fields=

    private void fields() throws Exception {
        line("");
        line("## Load on EMQX: bytes serialized per monitored client per poll (`-Dbench.only=fields`)");
        line("");
        line("The simulator counts the bytes of every listing it serializes. 'all fields': the same simulator refusing "
                + "one name of the list, so the exporter falls back to asking without `fields=` (what it did before, and "
                + "what EMQX before 5.6 gets). Exporter and simulator CPU: per-thread CPU, mean of the measured polls after warm-up polls of at least 40,000 rows in all.");
        line("");
        line("'JSON tokenizing alone': the CPU of Jackson's bare tokenizer (nextToken, nothing built) over the very bytes "
                + "of one poll, fetched again afterwards: the floor of reading any JSON, against the simulator writing it.");
        line("");
        line("| monitored ids | asked | bytes per client per poll | requests per poll | poll duration | exporter CPU per poll | simulator CPU per poll | JSON tokenizing alone |");
        line("|---:|---|---:|---:|---:|---:|---:|---:|");
        try (EmqxSimulator allFields = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            allFields.fieldSchema().forget("keepalive");
            for (int monitored : new int[]{1_000, 100_000}) {
                Path clients = clientsFile(monitored);
                for (EmqxSimulator target : List.of(emqx, allFields)) {
                    Map<String, String> properties = RunningExporter.defaults(target);
                    properties.put("emqx.clients-file", clients.toString());
                    properties.put("emqx.timeout-seconds", "30");
                    properties.put("monitor.clients-file-check-seconds", "3600");
                    try (RunningExporter exporter = RunningExporter.start(properties, null)) {
                        // warmed up on at least 40,000 rows: two polls at 1,000 ids left the JIT half done (49 ms of CPU per poll, 25 ms after 40)
                        for (int warmUp = 0; warmUp < Math.max(2, 40_000 / monitored); warmUp++) {
                            exporter.pollNow();
                        }
                        int measured = monitored >= 100_000 ? 3 : 10;
                        target.requests().clear();
                        double wall = 0;
                        double[] cpu = new double[2];
                        for (int i = 0; i < measured; i++) {
                            Map<Long, Long> before = threadCpu();
                            long t0 = System.nanoTime();
                            exporter.pollNow();
                            wall += (System.nanoTime() - t0) / 1e9;
                            double[] split = splitCpu(before, threadCpu());
                            cpu[0] += split[0];
                            cpu[1] += split[1];
                        }
                        List<SeenRequest> onePoll = target.requests().all().subList(0, target.requests().count() / measured);
                        line("| %,d | %s | %,d | %.1f | %s | %s | %s | %s |", monitored, target == emqx ? "`fields=` (27 fields)" : "all fields",
                                target.requests().bytesServed() / ((long) measured * monitored),
                                target.requests().count() / (double) measured, ms(wall / measured), ms(cpu[0] / measured),
                                ms(cpu[1] / measured), ms(tokenizing(target, onePoll)));
                    }
                }
            }
        }
    }

    /** CPU seconds of Jackson's bare tokenizer over the answers to these requests (fetched again, best of 5 passes). */
    private double tokenizing(EmqxSimulator target, List<SeenRequest> requests) throws Exception {
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (target.options().apiKey() + ":" + target.options().apiSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String base = target.apiUrl().substring(0, target.apiUrl().length() - "/api".length());
        List<byte[]> bodies = new ArrayList<>();
        for (SeenRequest request : requests) {
            bodies.add(http.send(HttpRequest.newBuilder(URI.create(base + request.rawPathAndQuery())).header("Authorization", auth)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        }
        com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 5; pass++) {
            long begin = THREADS.getCurrentThreadCpuTime();
            long tokens = 0;
            for (byte[] body : bodies) {
                try (com.fasterxml.jackson.core.JsonParser parser = json.createParser(body)) {
                    while (parser.nextToken() != null) {
                        tokens++;
                    }
                }
            }
            if (tokens == 0) {
                throw new IllegalStateException("no tokens read");
            }
            best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - begin) / 1e9);
        }
        return best;
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long time = THREADS.getThreadCpuTime(id);
            if (time >= 0) {
                cpu.put(id, time);
            }
        }
        return cpu;
    }

    private static double[] splitCpu(Map<Long, Long> before, Map<Long, Long> after) {
        double exporter = 0;
        double simulator = 0;
        List<Long> ids = new ArrayList<>(after.keySet());
        ThreadInfo[] infos = THREADS.getThreadInfo(ids.stream().mapToLong(Long::longValue).toArray());
        for (int i = 0; i < ids.size(); i++) {
            long delta = after.get(ids.get(i)) - before.getOrDefault(ids.get(i), 0L);
            String name = infos[i] == null ? "" : infos[i].getThreadName();
            if (name.startsWith("emqx-simulator-") || name.startsWith("HTTP-Dispatcher")) {
                simulator += delta / 1e9;
            } else {
                exporter += delta / 1e9;
            }
        }
        return new double[]{exporter, simulator};
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Path clientsFile(int monitored) throws IOException {
        List<String> ids = fleet.clientIds();
        int stride = ids.size() / monitored;
        StringBuilder yaml = new StringBuilder(monitored * 64).append("monitored_clients:\n");
        for (int i = 0; i < monitored; i++) {
            String id = ids.get(i * stride);
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        return Files.writeString(work.resolve("clients-" + monitored + ".yaml"), yaml);
    }

    private String scrape(int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** utime + stime of a process and its children threads, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The JVM's pid: {@code env} execs, but the launcher runs java as its child when it uses an archive (to see a
     * crash), so the JVM is the process itself or its java descendant.
     */
    private static long jvmPid(Process process) {
        return process.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    /** A figure of /proc/PID/smaps_rollup (kB), -1 when the kernel has none. */
    private static long smapsKb(long pid, String key) throws IOException {
        Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
        if (Files.isReadable(rollup)) {
            for (String l : Files.readAllLines(rollup)) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        }
        return -1;
    }

    /** RSS of a process. */
    private static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static String feature(String javaHome) {
        try {
            for (String l : Files.readAllLines(Path.of(javaHome, "release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    return l.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String ms(double seconds) {
        return seconds >= 1 ? String.format(Locale.ROOT, "%.2f s", seconds) : String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
    }

    private void row(String what, List<String> cells) {
        line("| " + what + " | " + String.join(" | ", cells) + " |");
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }
}
