package io.emqxclientmonitor.bench;

import io.emqxclientmonitor.events.EventIntake;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events per second the exporter absorbs with 100,000 monitored clients (issue 9's target: 5,000/s on 2 cores, flat
 * heap): EMQX rule events (connect, then disconnect with a reason, of random monitored clients) handed to the
 * {@code emqxEvents} bean by 2 threads, and over HTTP to the webhook with 16 requests in flight, while polls run.
 * {@code ./mvnw -B -Pbench test -Dtest=EventFeedBenchmark}; seconds per phase via -Dbench.eventSeconds (default 20).
 */
class EventFeedBenchmark {
    private static final int MONITORED = 100_000;
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(16);
    private final StringBuilder report = new StringBuilder();

    @Test
    void eventsPerSecond() throws Exception {
        int seconds = Integer.getInteger("bench.eventSeconds", 20);
        Fleet fleet = Fleet.connected(Clock.systemUTC(), "bench-", MONITORED, 12);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            StringBuilder yaml = new StringBuilder(MONITORED * 48).append("monitored_clients:\n");
            for (String id : fleet.clientIds()) {
                yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
            }
            Path clients = Path.of("target", "bench-event-clients.yaml");
            Files.createDirectories(clients.getParent());
            Files.writeString(clients, yaml);
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients-file", clients.toAbsolutePath().toString());
            properties.put("emqx.timeout-seconds", "30");
            properties.put("emqx.events.webhook.enabled", "true");
            properties.put("monitor.clients-file-check-seconds", "3600");
            try (RunningExporter exporter = RunningExporter.start(properties, null)) {
                exporter.pollNow();
                EventIntake intake = exporter.context().getRegistry().lookupByNameAndType("emqxEvents", EventIntake.class);
                String[] ids = fleet.clientIds().toArray(String[]::new);
                line("## Event feed (100,000 monitored clients, %d cores)", Runtime.getRuntime().availableProcessors());
                line("");
                line("| path | events absorbed per second | heap after GC before | heap after GC after |");
                line("|---|---:|---:|---:|");
                long heapBefore = heapAfterGc();
                double inProcess = inProcess(intake, ids, seconds, exporter);
                long heapAfter = heapAfterGc();
                line("| emqxEvents bean, 2 threads, polls every 5 s | %,.0f | %.1f MB | %.1f MB |", inProcess,
                        heapBefore / 1048576.0, heapAfter / 1048576.0);
                heapBefore = heapAfter;
                double http = overHttp(exporter.port(), ids, seconds);
                heapAfter = heapAfterGc();
                line("| webhook over HTTP, 16 in flight, keep-alive | %,.0f | %.1f MB | %.1f MB |", http,
                        heapBefore / 1048576.0, heapAfter / 1048576.0);
                assertTrue(inProcess > 0 && http > 0);
            }
        }
        Files.writeString(Path.of("target", "benchmark-events.md"), report);
    }

    private static byte[] event(String id, long connectedAt, long n) {
        boolean connect = n % 2 == 0;
        String body = connect
                ? "{\"event\":\"client.connected\",\"clientid\":\"" + id + "\",\"connected_at\":" + connectedAt
                + ",\"keepalive\":60,\"clean_start\":true,\"node\":\"emqx@127.0.0.1\",\"timestamp\":" + connectedAt + "}"
                : "{\"event\":\"client.disconnected\",\"clientid\":\"" + id + "\",\"connected_at\":" + connectedAt
                + ",\"disconnected_at\":" + (connectedAt + 2000) + ",\"reason\":\"" + (n % 6 == 1 ? "keepalive_timeout" : "normal")
                + "\",\"node\":\"emqx@127.0.0.1\",\"timestamp\":" + (connectedAt + 2000) + "}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static double inProcess(EventIntake intake, String[] ids, int seconds, RunningExporter exporter) throws Exception {
        AtomicLong absorbed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Runnable worker = () -> {
            java.util.Random random = new java.util.Random(Thread.currentThread().getId());
            long base = System.currentTimeMillis() - 3_600_000;
            for (long n = 0; System.nanoTime() < end; n++) {
                String id = ids[random.nextInt(ids.length)];
                long pair = n / 2;
                intake.accept("emqx", "webhook", event(id, base + pair * 3, n));
                absorbed.incrementAndGet();
            }
        };
        long start = System.nanoTime();
        CompletableFuture<?> a = CompletableFuture.runAsync(worker);
        CompletableFuture<?> b = CompletableFuture.runAsync(worker);
        while (!a.isDone() || !b.isDone()) {
            exporter.pollNow();
            Thread.sleep(5000);
        }
        return absorbed.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double overHttp(int port, String[] ids, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI url = URI.create("http://127.0.0.1:" + port + "/api/v1/emqx/events");
        AtomicLong absorbed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[16];
        for (int lane = 0; lane < lanes.length; lane++) {
            int seed = lane;
            lanes[lane] = CompletableFuture.runAsync(() -> {
                java.util.Random random = new java.util.Random(seed);
                long base = System.currentTimeMillis() - 1_800_000 + seed;
                for (long n = 0; System.nanoTime() < end; n++) {
                    HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(event(ids[random.nextInt(ids.length)], base + (n / 2) * 17, n)))
                            .build();
                    try {
                        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 204) {
                            absorbed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, POOL);
        }
        CompletableFuture.allOf(lanes).join();
        return absorbed.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.out.println(text);
        System.out.flush();
    }
}
