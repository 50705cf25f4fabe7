package io.emqxclientmonitor.bench;

import io.emqxclientmonitor.emqx.ClientsQuery;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exporter against the EMQX simulator (a 5.8 node with 100,000 connected clients), measured; not a test:
 * it asserts nothing and prints a Markdown report (also written to {@code target/benchmark.md}). Run with
 * {@code ./mvnw -B -Pbench test} (the {@code bench} profile runs {@code *Benchmark} classes only; the normal
 * build never does). Sections, each also selectable with {@code -Dbench.only=poll,scrape,process,soak}:
 * <ol>
 * <li>poll: 100 to 100,000 monitored ids; EMQX requests per poll (and the fewest the 8000-byte request line
 *     allows), poll duration, exporter CPU per poll (per-thread CPU of every thread but the simulator's, and the
 *     process's CPU minus the simulator's threads, i.e. with GC and JIT) against the simulator's own CPU to serve it;</li>
 * <li>scrape: {@code /metrics} latency (median, p99) and throughput at 1,000 and 10,000 clients, default and all
 *     flags, 1 and 20 concurrent scrapers, with EMQX up and during an outage (polls failing every second);</li>
 * <li>process: the packaged application in its own JVM ({@code java -cp … Application}, heap {@code -Xmx} as
 *     given): time from process start to the first successful poll, heap after GC ({@code jcmd GC.run}) and RSS;</li>
 * <li>heap: the same process at 1,000, 10,000 and 100,000 clients after the first poll and a scrape: heap after GC,
 *     bytes per monitored client (the slope between two sizes) and the largest classes of the heap histogram
 *     ({@code jcmd GC.class_histogram}) per client; {@code -Dbench.heapDump=file.hprof} also dumps the largest;
 *     not in the default set;</li>
 * <li>soak: heap after GC over minutes of failing polls every second ({@code -Dbench.soakSeconds}, default 180);</li>
 * <li>patterns: a {@code like_clientid} scan ({@code emqx.clients.like}) matching 1,000, 10,000 and all 100,000 clients,
 *     against the same 1,000 ids listed explicitly: requests, bytes EMQX sent, poll duration.</li>
 * </ol>
 */
class ExporterBenchmark {
    private static final int FLEET = 100_000;
    private static final int ID_LENGTH = 20;
    private static final Pattern UP = Pattern.compile("emqx_client_monitor_up\\{broker=\"emqx\"} 1\\.0");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final StringBuilder report = new StringBuilder();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Fleet fleet;
    private EmqxSimulator emqx;

    @Test
    void run() throws Exception {
        String only = System.getProperty("bench.only", "poll,scrape,process,soak,patterns");
        fleet = Fleet.connected(Clock.systemUTC(), "sensor-", FLEET, ID_LENGTH);
        List<String> ids = fleet.clientIds();
        for (int i = 0; i < ids.size(); i += 3) {
            fleet.client(ids.get(i)).publish(i % 17, 1, 64).subscriptions(1);
        }
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        line("# emqx-client-monitor benchmark");
        line("");
        line("%s, %d cores, Java %s (%s), simulator: EMQX 5.8 with %,d connected clients (ids of %d characters), same JVM",
                System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), FLEET, ID_LENGTH);
        try {
            if (only.contains("poll")) {
                pollCost();
            }
            if (only.contains("scrape")) {
                scrapes();
            }
            if (only.contains("process")) {
                ownProcess();
            }
            if (only.contains("heap")) {
                heapPerClient();
            }
            if (only.contains("soak")) {
                soak(Integer.getInteger("bench.soakSeconds", 180));
            }
            if (only.contains("patterns")) {
                patternScans();
            }
        } finally {
            emqx.close();
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/benchmark.md"), report);
        }
    }

    // ------------------------------------------------------------------------------------------------ polls

    private void pollCost() throws Exception {
        line("");
        line("## Poll cost (EMQX 5.8, 100,000 connected clients)");
        line("");
        line("| monitored ids | EMQX requests per poll | fewest possible | poll duration | exporter CPU per poll (threads) | exporter CPU per poll (process - simulator) | simulator CPU per poll |");
        line("|---:|---:|---:|---:|---:|---:|---:|");
        for (int monitored : new int[]{100, 1_000, 10_000, 100_000}) {
            Path clients = clientsFile(monitored);
            try (RunningExporter exporter = RunningExporter.start(exporterProperties(clients, Map.of()), null)) {
                int warmUps = monitored >= 100_000 ? 2 : 5;
                int measured = monitored >= 100_000 ? 3 : 10;
                for (int i = 0; i < warmUps; i++) {
                    exporter.pollNow();
                }
                long requests = 0;
                double wall = 0;
                double exporterThreads = 0;
                double exporterProcess = 0;
                double simulator = 0;
                for (int i = 0; i < measured; i++) {
                    emqx.requests().clear();
                    int before = emqx.requests().count();
                    Map<Long, Long> cpuBefore = threadCpu();
                    long processBefore = OS.getProcessCpuTime();
                    long start = System.nanoTime();
                    exporter.pollNow();
                    wall += (System.nanoTime() - start) / 1e9;
                    long processCpu = OS.getProcessCpuTime() - processBefore;
                    double[] split = splitCpu(cpuBefore, threadCpu());
                    exporterThreads += split[0];
                    simulator += split[1];
                    exporterProcess += processCpu / 1e9 - split[1];
                    requests += emqx.requests().count() - before;
                }
                if (!UP.matcher(exporter.scrape()).find()) {
                    throw new IllegalStateException("the polls failed");
                }
                line("| %,d | %.1f | %d | %s | %s | %s | %s |", monitored, requests / (double) measured,
                        fewestRequests(monitored), ms(wall / measured), ms(exporterThreads / measured),
                        ms(exporterProcess / measured), ms(simulator / measured));
            }
        }
    }

    /** ceil(bytes of every "&clientid=<id>" / room left on an 8000-byte request line with fields=), the floor for any batching. */
    private int fewestRequests(int monitored) {
        String rawPath = "/api/v5/clients";
        int fixed = ClientsQuery.requestLineLength(rawPath, ClientsQuery.page(10000, 1000, List.of(), true));
        int room = 8000 - fixed;
        long bytes = (long) monitored * ("&clientid=".length() + ID_LENGTH);
        return (int) Math.ceil(bytes / (double) room);
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

    /** {exporter seconds, simulator seconds} between two per-thread CPU snapshots. */
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

    // ------------------------------------------------------------------------------------------------ patterns

    private void patternScans() throws Exception {
        line("");
        line("## Pattern scans (EMQX 5.8, 100,000 connected clients)");
        line("");
        line("`emqx.clients.like` is one paged `like_clientid` scan per poll (limit 10,000, `fields=` as for batches); on");
        line("EMQX every page of it walks the client table (no `meta.count`). Same 1,000 clients listed explicitly for comparison.");
        line("");
        line("| watched | how | matches | EMQX requests per poll | bytes from EMQX per poll | poll duration |");
        line("|---|---|---:|---:|---:|---:|");
        String id = fleet.clientIds().get(0); // sensor- then zero-padded numbers
        String digits = id.substring("sensor-".length());
        patternRow("like (1%)", Map.of("emqx.clients.like", "sensor-" + digits.substring(0, digits.length() - 4) + "1"), 1_000);
        patternRow("like (10%)", Map.of("emqx.clients.like", "sensor-" + digits.substring(0, digits.length() - 5) + "1"), 10_000);
        patternRow("like (all)", Map.of("emqx.clients.like", "sensor-", "monitor.max-clients", "100000"), FLEET);
        List<String> ids = fleet.clientIds().subList(1_000, 2_000);
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        ids.forEach(c -> yaml.append("  - alias: a").append(c).append("\n    client_id: ").append(c).append('\n'));
        Path file = Files.createTempFile("bench-listed", ".yaml");
        Files.writeString(file, yaml);
        patternRow("explicit clientid= batches", Map.of("emqx.clients-file", file.toString()), 1_000);
    }

    private void patternRow(String how, Map<String, String> settings, int expected) throws Exception {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.timeout-seconds", "30");
        properties.putAll(settings);
        try (RunningExporter exporter = RunningExporter.start(properties, null)) {
            exporter.pollNow();
            exporter.pollNow();
            int measured = expected >= FLEET ? 2 : 3;
            long requests = 0;
            long bytes = 0;
            double wall = 0;
            for (int i = 0; i < measured; i++) {
                emqx.requests().clear();
                long bytesBefore = emqx.requests().bytesServed();
                long start = System.nanoTime();
                exporter.pollNow();
                wall += (System.nanoTime() - start) / 1e9;
                requests += emqx.requests().count();
                bytes += emqx.requests().bytesServed() - bytesBefore;
            }
            // from the tracker, not /metrics: 100,000 clients are 1.2 M series, more than a scrape here renders in 10 s
            var broker = exporter.tracker().broker("emqx");
            long watched = broker.clients().size();
            if (!broker.health().up() || watched != expected) {
                throw new IllegalStateException(how + ": " + watched + " clients watched, expected " + expected);
            }
            line("| %,d | %s | %,d | %.1f | %,.0f kB | %s |", watched, how, expected, requests / (double) measured,
                    bytes / (double) measured / 1000, ms(wall / measured));
        }
    }

    // ------------------------------------------------------------------------------------------------ scrapes

    private void scrapes() throws Exception {
        line("");
        line("## /metrics latency and throughput");
        line("");
        line("Each scraper cell: median / p99 latency, and scrapes per second, over %d s per cell after a warm-up;"
                + " 'outage': EMQX answers 500 NODE_DOWN to a poll every second while scraping (every failed poll changes"
                + " the exposition, so most scrapes render it). 'rendering': collecting and writing the exposition once"
                + " (median of 20), which the exporter does after every successful poll, off the scrape path.", scrapeSeconds());
        line("");
        line("");
        line("'gzip': with `Accept-Encoding: gzip`, as Prometheus scrapes (the body below is then the compressed size).");
        line("");
        line("| monitored clients | flags | EMQX | series | body (gzip) | rendering | 1 scraper | 20 scrapers | 1 scraper, gzip | 20 scrapers, gzip |");
        line("|---:|---|---|---:|---:|---:|---|---|---|---|");
        for (int monitored : new int[]{1_000, 10_000}) {
            Path clients = clientsFile(monitored);
            for (boolean allFlags : new boolean[]{false, true}) {
                Map<String, String> flags = new HashMap<>();
                if (allFlags) {
                    for (String flag : new String[]{"qos-split", "dropped-counters", "reason-split", "dates", "session-histograms"}) {
                        flags.put("metrics.enable-" + flag, "true");
                    }
                }
                try (RunningExporter exporter = RunningExporter.start(exporterProperties(clients, flags), null)) {
                    exporter.pollNow();
                    exporter.pollNow();
                    String body = exporter.scrape();
                    long series = body.lines().filter(l -> !l.startsWith("#")).count();
                    String rendering = ms(renderingSeconds(exporter));
                    for (boolean outage : new boolean[]{false, true}) {
                        emqx.requests().clear();
                        AtomicBoolean polling = new AtomicBoolean(outage);
                        Thread poller = null;
                        if (outage) {
                            emqx.faults().nodeDown(Faults.FOREVER);
                            poller = pollEverySecond(exporter, polling);
                        }
                        String one = scrapeLoad(exporter.port(), 1, false);
                        String twenty = scrapeLoad(exporter.port(), 20, false);
                        String oneGzip = scrapeLoad(exporter.port(), 1, true);
                        String twentyGzip = scrapeLoad(exporter.port(), 20, true);
                        polling.set(false);
                        if (poller != null) {
                            poller.join();
                            emqx.faults().clear();
                        }
                        line("| %,d | %s | %s | %,d | %s (%s) | %s | %s | %s | %s | %s |", monitored, allFlags ? "all" : "default",
                                outage ? "outage" : "up", series, size(body.getBytes(StandardCharsets.UTF_8).length),
                                size(gzipSize(exporter.port())), rendering, one, twenty, oneGzip, twentyGzip);
                    }
                }
            }
        }
    }

    /** Median time to collect and write the text exposition, without any reuse of earlier renderings. */
    private static double renderingSeconds(RunningExporter exporter) {
        var registry = exporter.context().getRegistry().lookupByNameAndType("metricsRegistry",
                io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class);
        var uncached = new io.emqxclientmonitor.metrics.ScrapeResponder(registry);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            long t = System.nanoTime();
            uncached.exposition(null);
            times.add(System.nanoTime() - t);
        }
        List<Long> measured = new ArrayList<>(times.subList(5, times.size()));
        Collections.sort(measured);
        return measured.get(measured.size() / 2) / 1e9;
    }

    private static int scrapeSeconds() {
        return Integer.getInteger("bench.scrapeSeconds", 5);
    }

    private static Thread pollEverySecond(RunningExporter exporter, AtomicBoolean polling) {
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                exporter.pollNow();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-poller");
        poller.start();
        return poller;
    }

    private long gzipSize(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    /** median / p99 ms and scrapes per second with {@code scrapers} concurrent clients. */
    private String scrapeLoad(int port, int scrapers, boolean gzip) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        runScrapers(uri, scrapers, gzip, Duration.ofSeconds(2)); // warm-up
        long start = System.nanoTime();
        List<Long> latencies = runScrapers(uri, scrapers, gzip, Duration.ofSeconds(scrapeSeconds()));
        double seconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(latencies);
        double median = latencies.get(latencies.size() / 2) / 1e6;
        double p99 = latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1)) / 1e6;
        return String.format(Locale.ROOT, "%.1f / %.1f ms, %.1f/s", median, p99, latencies.size() / seconds);
    }

    private List<Long> runScrapers(URI uri, int scrapers, boolean gzip, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(scrapers);
        long end = System.nanoTime() + duration.toNanos();
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int i = 0; i < scrapers; i++) {
            results.add(pool.submit(() -> {
                List<Long> mine = new ArrayList<>();
                HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Accept", "text/plain;version=0.0.4;q=0.4,*/*;q=0.1");
                if (gzip) {
                    builder.header("Accept-Encoding", "gzip");
                }
                HttpRequest request = builder.build();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("scrape answered " + response.statusCode());
                    }
                    mine.add(System.nanoTime() - t);
                }
                return mine;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get());
        }
        pool.shutdown();
        return all;
    }

    // ------------------------------------------------------------------------------------------------ own process

    private void ownProcess() throws Exception {
        line("");
        line("## The application in its own JVM");
        line("");
        line("`java -Xmx… -cp app.jar:<dependency jars> io.emqxclientmonitor.Application` (what `java -jar` runs), default"
                + " GC (G1), against the same simulator, first poll at once. Start: from process start to the first"
                + " `emqx_client_monitor_up 1` on /metrics. 'AppCDS': the same with `-XX:SharedArchiveFile=app.jsa`, an"
                + " application class-data archive written by a training run (`-XX:ArchiveClassesAtExit=app.jsa`, 1,000"
                + " clients, 12 s). Heap after GC (`jcmd GC.run`, `GC.heap_info`) and RSS 3 s after the first poll.");
        line("");
        line("| monitored clients | -Xmx | start to first successful poll | the same, AppCDS | heap after GC | RSS | first poll (cold) |");
        line("|---:|---:|---:|---:|---:|---:|---:|");
        String classpath = jarClasspath();
        Path archive = Path.of("target", "bench", "app.jsa").toAbsolutePath();
        Files.deleteIfExists(archive);
        Process training = startExporter(classpath, 1_000, 256, List.of("-XX:ArchiveClassesAtExit=" + archive),
                Map.of("camel.main.duration-max-seconds", "12"), "training");
        if (!training.waitFor(120, TimeUnit.SECONDS) || !Files.exists(archive)) {
            training.destroyForcibly();
            line("(no AppCDS archive: see target/bench-exporter-training.log)");
        }
        for (int[] run : new int[][]{{100, 256}, {1_000, 256}, {10_000, 256}, {100_000, 1024}}) {
            String withCds = "–";
            if (Files.exists(archive)) {
                Process cds = startExporter(classpath, run[0], run[1], List.of("-XX:SharedArchiveFile=" + archive), Map.of(), "cds");
                try {
                    withCds = String.format(Locale.ROOT, "%.2f s", untilFirstPoll(cds, "cds"));
                } finally {
                    stop(cds);
                }
            }
            Process process = startExporter(classpath, run[0], run[1], List.of(), Map.of(), Integer.toString(run[0]));
            try {
                double firstPoll = untilFirstPoll(process, Integer.toString(run[0]));
                Thread.sleep(3000); // settle: JIT, the HTTP server's first requests
                jcmd(process.pid(), "GC.run");
                long heap = heapUsedKb(jcmd(process.pid(), "GC.heap_info"));
                long rss = rssKb(process.pid());
                double pollSeconds = sample(tryScrape(port(process)), "emqx_client_monitor_poll_duration_seconds");
                line("| %,d | %d MB | %.2f s | %s | %.1f MB | %.0f MB | %s |", run[0], run[1], firstPoll, withCds,
                        heap / 1024.0, rss / 1024.0, ms(pollSeconds));
            } finally {
                stop(process);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ heap

    private void heapPerClient() throws Exception {
        line("");
        line("## Heap per monitored client");
        line("");
        line("The application in its own JVM (`-Xmx1024m`, G1) after the first poll and a scrape; `jcmd GC.run`, then"
                + " `GC.heap_info` and `GC.class_histogram`, with no poll running (the least of 4 samples 2 s apart). Bytes per"
                + " client: the slope from 1,000 to the given size.");
        line("");
        line("| monitored clients | heap after GC | bytes per client |");
        line("|---:|---:|---:|");
        String classpath = jarClasspath();
        long[] sizes = {1_000, 10_000, 100_000};
        long firstHeapKb = 0;
        String largestHistogram = "";
        for (long monitored : sizes) {
            // no second poll: the figure is what stays between polls, not a poll's records in flight
            Process process = startExporter(classpath, (int) monitored, 1024, List.of(),
                    Map.of("monitor.poll-interval-seconds", "3600"), "heap-" + monitored);
            try {
                untilFirstPoll(process, "heap-" + monitored, Duration.ofSeconds(120));
                // a whole scrape, however long it takes cold: a rendering still running would be counted as heap
                if (scrapeBody(port(process), Duration.ofSeconds(120)) == null) {
                    throw new IllegalStateException("no /metrics from the exporter; see target/bench-exporter-heap-" + monitored + ".log");
                }
                // a rendering or a response still being written holds the whole body (~1.5 KB per client): the
                // least of a few samples
                long heapKb = Long.MAX_VALUE;
                String histogram = "";
                for (int sample = 0; sample < 4; sample++) {
                    Thread.sleep(2000);
                    jcmd(process.pid(), "GC.run");
                    long sampled = heapUsedKb(jcmd(process.pid(), "GC.heap_info"));
                    if (sampled < heapKb) {
                        heapKb = sampled;
                        histogram = jcmd(process.pid(), "GC.class_histogram");
                    }
                }
                if (System.getProperty("bench.heapDump") != null && monitored == sizes[sizes.length - 1]) {
                    System.out.println(jcmd(process.pid(), "GC.heap_dump " + System.getProperty("bench.heapDump")));
                }
                if (monitored == sizes[0]) {
                    firstHeapKb = heapKb;
                }
                String perClient = monitored == sizes[0] ? "–"
                        : String.format(Locale.ROOT, "%,.0f", (heapKb - firstHeapKb) * 1024.0 / (monitored - sizes[0]));
                line("| %,d | %.1f MB | %s |", monitored, heapKb / 1024.0, perClient);
                Files.writeString(Path.of("target", "bench-heap-histogram-" + monitored + ".txt"), histogram);
                largestHistogram = histogram;
            } finally {
                stop(process);
            }
        }
        line("");
        line("Largest classes at %,d clients (instances and bytes per client):", sizes[sizes.length - 1]);
        line("");
        line("| class | instances per client | bytes per client |");
        line("|---|---:|---:|");
        Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(largestHistogram);
        for (int shown = 0; shown < 15 && row.find(); shown++) {
            double n = sizes[sizes.length - 1];
            line("| `%s` | %.2f | %.0f |", row.group(3), Long.parseLong(row.group(1)) / n, Long.parseLong(row.group(2)) / n);
        }
    }

    private final Map<Process, Integer> ports = new HashMap<>();
    private final Map<Process, Long> starts = new HashMap<>();

    private Process startExporter(String classpath, int monitored, int heapMb, List<String> jvmOptions,
                                  Map<String, String> extra, String name) throws IOException {
        int port = RunningExporter.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(jvmOptions);
        Map<String, String> properties = exporterProperties(clientsFile(monitored), extra);
        properties.put("camel.server.port", Integer.toString(port));
        properties.put("monitor.poll-interval-seconds", extra.getOrDefault("monitor.poll-interval-seconds", "15"));
        properties.put("monitor.first-poll-delay-ms", "0");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", classpath, "io.emqxclientmonitor.Application"));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "bench-exporter-" + name + ".log").toFile()).start();
        ports.put(process, port);
        starts.put(process, start);
        return process;
    }

    private int port(Process process) {
        return ports.get(process);
    }

    /** Seconds from the process start to the first /metrics with up 1. */
    private double untilFirstPoll(Process process, String name) throws InterruptedException {
        return untilFirstPoll(process, name, Duration.ofSeconds(5));
    }

    /** @param scrapeTimeout a scrape given up on leaves its response unread, which may hold the exposition a while */
    private double untilFirstPoll(Process process, String name, Duration scrapeTimeout) throws InterruptedException {
        long start = starts.get(process);
        String metrics = null;
        while (metrics == null || !UP.matcher(metrics).find()) {
            if (!process.isAlive() || System.nanoTime() - start > TimeUnit.SECONDS.toNanos(120)) {
                throw new IllegalStateException("the exporter did not poll; see target/bench-exporter-" + name + ".log");
            }
            Thread.sleep(20);
            metrics = scrapeBody(port(process), scrapeTimeout);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /**
     * The application's classes as a jar followed by the dependency jars: class-data sharing archives only classes
     * from jars (what {@code java -jar} of the packaged application has anyway).
     */
    private static String jarClasspath() throws IOException {
        Path jar = Path.of("target", "bench", "app.jar").toAbsolutePath();
        Files.createDirectories(jar.getParent());
        Path classes = Path.of("target", "classes").toAbsolutePath();
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        StringBuilder classpath = new StringBuilder(jar.toString());
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                classpath.append(java.io.File.pathSeparator).append(entry);
            }
        }
        return classpath.toString();
    }

    private String tryScrape(int port) {
        return scrapeBody(port, Duration.ofSeconds(5));
    }

    private String scrapeBody(int port, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\{broker=\"emqx\"} (\\S+)").matcher(metrics == null ? "" : metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String jcmd(long pid, String command) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        arguments.addAll(List.of(command.split(" ")));
        Process jcmd = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    static long heapUsedKb(String heapInfo) {
        Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("cannot read jcmd GC.heap_info:\n" + heapInfo);
        }
        return Long.parseLong(m.group(1));
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------ soak

    private void soak(int seconds) throws Exception {
        int monitored = 10_000;
        line("");
        line("## Soak: %,d monitored clients, EMQX failing (500 NODE_DOWN), a poll every second, a scrape every second, %d s", monitored, seconds);
        line("");
        line("Heap after GC of the whole benchmark JVM (exporter and the simulator's fleet), sampled every %d s.", Math.max(10, seconds / 6));
        line("");
        line("| time | heap after GC | live threads | failed polls |");
        line("|---:|---:|---:|---:|");
        Map<String, String> properties = exporterProperties(clientsFile(monitored), Map.of());
        properties.put("monitor.poll-interval-seconds", "1");
        properties.put("monitor.first-poll-delay-ms", "0");
        try (RunningExporter exporter = RunningExporter.start(properties, null)) {
            long start = System.nanoTime();
            while (!UP.matcher(exporter.scrape()).find()) {
                Thread.sleep(50);
            }
            emqx.faults().nodeDown(Faults.FOREVER);
            int step = Math.max(10, seconds / 6);
            for (int t = 0; t <= seconds; t += step) {
                long until = start + TimeUnit.SECONDS.toNanos(t);
                while (System.nanoTime() < until) {
                    exporter.scrape();
                    Thread.sleep(1000);
                }
                emqx.requests().clear(); // the simulator's own log of requests is not the exporter's memory
                String metrics = exporter.scrape();
                Matcher failed = Pattern.compile("emqx_client_monitor_poll_errors_total\\{broker=\"emqx\",reason=\"http_5xx\"} (\\S+)").matcher(metrics);
                line("| %d s | %.1f MB | %d | %s |", t, heapAfterGc() / 1048576.0, Thread.activeCount(),
                        failed.find() ? failed.group(1) : "?");
            }
        } finally {
            emqx.faults().clear();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Map<String, String> exporterProperties(Path clients, Map<String, String> extra) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients-file", clients.toString());
        properties.put("emqx.timeout-seconds", "30");
        properties.put("monitor.clients-file-check-seconds", "3600");
        properties.putAll(extra);
        return properties;
    }

    /** {@code monitored} ids spread evenly over the fleet. */
    private Path clientsFile(int monitored) throws IOException {
        List<String> ids = fleet.clientIds();
        int stride = ids.size() / monitored;
        StringBuilder yaml = new StringBuilder(monitored * 64).append("monitored_clients:\n");
        for (int i = 0; i < monitored; i++) {
            String id = ids.get(i * stride);
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        Path file = Path.of("target", "bench-clients-" + monitored + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file.toAbsolutePath();
    }

    private static String ms(double seconds) {
        return seconds >= 1 ? String.format(Locale.ROOT, "%.2f s", seconds) : String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0) : String.format(Locale.ROOT, "%.0f kB", bytes / 1024.0);
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.out.println(text);
        System.out.flush();
    }
}
