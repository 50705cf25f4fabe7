package io.emqxclientmonitor.bench;

import io.emqxclientmonitor.events.EventIntake;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events per second the exporter absorbs with 100,000 monitored clients (issue 9's target: 5,000/s on 2 cores, flat
 * heap): EMQX rule events (connect, then disconnect with a reason, of random monitored clients) handed to the
 * {@code emqxEvents} bean by 2 threads, and over HTTP to the webhook as EMQX's HTTP connector sends them, while polls run.
 * {@code ./mvnw -B -Pbench test -Dtest=EventFeedBenchmark}; seconds per phase via -Dbench.eventSeconds (default 20),
 * monitored clients via -Dbench.eventClients (default 100,000).
 */
class EventFeedBenchmark {
    private static final int MONITORED = Integer.getInteger("bench.eventClients", 100_000);
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
            io.emqxclientmonitor.support.Mosquitto mqtt = mosquitto();
            if (mqtt != null) {
                properties.put("emqx.events.mqtt.url", mqtt.url());
                properties.put("emqx.events.mqtt.username", io.emqxclientmonitor.support.Mosquitto.FEED_USER);
                properties.put("emqx.events.mqtt.password", io.emqxclientmonitor.support.Mosquitto.FEED_PASSWORD);
                properties.put("emqx.events.mqtt.topic", io.emqxclientmonitor.support.Mosquitto.REPUBLISH_TOPIC);
            }
            properties.put("monitor.clients-file-check-seconds", "3600");
            // closed in reverse order: the exporter first, so that its feed does not see the broker go
            try (io.emqxclientmonitor.support.Mosquitto broker = mqtt;
                 RunningExporter exporter = RunningExporter.start(properties, null)) {
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
                Posted http = overHttp(exporter.port(), ids, seconds);
                heapAfter = heapAfterGc();
                line("| webhook over HTTP, %d connections, pipelined, %d in flight | %,.0f | %.1f MB | %.1f MB |",
                        CONNECTIONS, IN_FLIGHT, http.perSecond(), heapBefore / 1048576.0, heapAfter / 1048576.0);
                Posted baseline = againstNullServer(ids, seconds);
                double exporterMicros = http.cpuMicrosPerRequest() - baseline.cpuMicrosPerRequest();
                line("");
                line("CPU per webhook event (the whole JVM: client and server on the same %d cores): %.1f µs; the same "
                                + "client against a Vert.x server that only answers 204, in this run: %.1f µs (%,.0f/s). The "
                                + "exporter's own cost: %.1f µs per event, i.e. %,.0f events/s on 2 cores with the client elsewhere.",
                        Runtime.getRuntime().availableProcessors(), http.cpuMicrosPerRequest(), baseline.cpuMicrosPerRequest(),
                        baseline.perSecond(), exporterMicros, 2e6 / exporterMicros);
                assertTrue(inProcess > 0 && http.perSecond() > 0);
                if (mqtt == null) {
                    line("MQTT feed: not measured (no mosquitto at /usr/sbin/mosquitto)");
                } else {
                    Posted overMqtt = overMqtt(broker, exporter, ids, seconds);
                    line("MQTT feed (republish mode, QoS 1, through mosquitto on the same cores; the publisher in this JVM): "
                            + "%,.0f events/s absorbed, %.1f µs of this JVM's CPU per event", overMqtt.perSecond(),
                            overMqtt.cpuMicrosPerRequest());
                }
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

    /**
     * Posts events the way EMQX's HTTP connector does (its defaults: pool_size 8 connections, keep-alive, HTTP
     * pipelining up to 100 requests per connection), with Vert.x's client: java.net.http's costs more CPU per
     * request than the server under test, on the same 2 cores.
     */
    private record Posted(double perSecond, double cpuMicrosPerRequest) {
    }

    /** mosquitto's receive maximum (max_inflight_messages) is 20 by default. */
    private static final int IN_FLIGHT_PUBLISHES = 16;

    private static io.emqxclientmonitor.support.Mosquitto mosquitto() {
        try {
            return io.emqxclientmonitor.support.Mosquitto.start();
        } catch (RuntimeException | AssertionError missing) {
            return null;
        }
    }

    /**
     * Publishes events to the republish topic as fast as mosquitto takes them (QoS 1, as many in flight as mosquitto allows) and
     * counts what the exporter's feed absorbed: every event it parsed, as the broker's feed statistics tell.
     */
    private static Posted overMqtt(io.emqxclientmonitor.support.Mosquitto mqtt, RunningExporter exporter, String[] ids,
                                   int seconds) throws Exception {
        var feed = exporter.tracker().broker("emqx").eventFeed();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!feed.up() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        var publisher = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(mqtt.url(), "bench-publisher",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setUserName(io.emqxclientmonitor.support.Mosquitto.PUBLISHER);
        options.setPassword(io.emqxclientmonitor.support.Mosquitto.PUBLISHER_PASSWORD.getBytes(StandardCharsets.UTF_8));
        options.setReceiveMaximum(1000);
        publisher.connect(options).waitForCompletion(10_000);
        long absorbedBefore = feed.connected() + feed.disconnected() + feed.invalid();
        double cpuStart = processCpuSeconds();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        java.util.Random random = new java.util.Random(7);
        long base = System.currentTimeMillis() - 600_000;
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(IN_FLIGHT_PUBLISHES);
        var released = new org.eclipse.paho.mqttv5.client.MqttActionListener() {
            @Override
            public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                window.release();
            }

            @Override
            public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable error) {
                window.release();
            }
        };
        for (long n = 0; System.nanoTime() < end; n++) {
            window.acquire();
            var message = new org.eclipse.paho.mqttv5.common.MqttMessage(event(ids[random.nextInt(ids.length)], base + (n / 2) * 13, n));
            message.setQos(1);
            publisher.publish(io.emqxclientmonitor.support.Mosquitto.REPUBLISH_TOPIC, message, null, released);
        }
        window.acquire(IN_FLIGHT_PUBLISHES);
        Thread.sleep(2000); // what mosquitto still holds for the feed
        long absorbed = feed.connected() + feed.disconnected() + feed.invalid() - absorbedBefore;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = processCpuSeconds() - cpuStart;
        publisher.disconnect().waitForCompletion(5_000);
        publisher.close();
        return new Posted(absorbed / elapsed, cpu * 1e6 / Math.max(1, absorbed));
    }

    /** The load generator's own cost: the same requests to a server that does nothing but answer 204. */
    private static Posted againstNullServer(String[] ids, int seconds) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> request.body().onComplete(body -> request.response().setStatusCode(204).end()))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
            return overHttp(server.actualPort(), ids, seconds);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static Posted overHttp(int port, String[] ids, int seconds) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true)
                    .setPipelining(true).setPipeliningLimit(PIPELINING), new io.vertx.core.http.PoolOptions()
                    .setHttp1MaxSize(CONNECTIONS));
            AtomicLong absorbed = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            double cpuStart = processCpuSeconds();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(IN_FLIGHT);
            for (int lane = 0; lane < IN_FLIGHT; lane++) {
                new Lane(http, ids, lane, end, absorbed, failed, done).next();
            }
            done.await();
            double cpu = processCpuSeconds() - cpuStart;
            double rate = absorbed.get() / ((System.nanoTime() - start) / 1e9);
            if (failed.get() > 0) {
                System.out.println("webhook requests that were not answered 204: " + failed.get());
            }
            return new Posted(rate, cpu * 1e6 / Math.max(1, absorbed.get() + failed.get()));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static final int CONNECTIONS = Integer.getInteger("bench.webhookConnections", 8);
    private static final int PIPELINING = 100;
    private static final int IN_FLIGHT = Math.max(64, CONNECTIONS * 4);

    /** One request in flight at a time; the next is sent when the answer arrives. */
    private record Lane(io.vertx.core.http.HttpClient http, String[] ids, int seed, long end, AtomicLong absorbed,
                        AtomicLong failed, java.util.concurrent.CountDownLatch done, java.util.Random random, long base,
                        long[] n) {
        Lane(io.vertx.core.http.HttpClient http, String[] ids, int seed, long end, AtomicLong absorbed, AtomicLong failed,
             java.util.concurrent.CountDownLatch done) {
            this(http, ids, seed, end, absorbed, failed, done, new java.util.Random(seed),
                    System.currentTimeMillis() - 1_800_000 + seed, new long[1]);
        }

        void next() {
            if (System.nanoTime() >= end) {
                done.countDown();
                return;
            }
            long count = n[0]++;
            io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(
                    event(ids[random.nextInt(ids.length)], base + (count / 2) * 17, count));
            http.request(io.vertx.core.http.HttpMethod.POST, "/api/v1/emqx/events")
                    .compose(request -> request.putHeader("Content-Type", "application/json").send(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode()))
                    .onComplete(result -> {
                        if (result.succeeded() && result.result() == 204) {
                            absorbed.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        next();
                    });
        }
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
