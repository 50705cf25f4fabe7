package io.emqxclientmonitor.support;

import io.emqxclientmonitor.CamelLauncher;
import io.emqxclientmonitor.MonitorBeans;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.state.ClientTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real application (camel-main, the YAML routes from routes/, the HTTP server) started in the test JVM.
 * The timer is pushed far away: tests poll with {@link #pollNow(String)} so every step is deterministic.
 */
public final class RunningExporter implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main main;
    private final int port;
    private final ProducerTemplate producer;

    private RunningExporter(Main main, int port) {
        this.main = main;
        this.port = port;
        this.producer = main.getCamelContext().createProducerTemplate();
    }

    /** Properties every test wants: a free port, no timer polls, no state file, fast retries. */
    public static Map<String, String> defaults(EmqxSimulator emqx) {
        Map<String, String> properties = new HashMap<>();
        properties.put("emqx.url", emqx.apiUrl());
        properties.put("emqx.api.key", emqx.options().apiKey());
        properties.put("emqx.api.secret", emqx.options().apiSecret());
        properties.put("camel.server.port", Integer.toString(freePort()));
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("monitor.poll-interval-seconds", "3600");
        properties.put("monitor.first-poll-delay-ms", "3600000");
        properties.put("monitor.state-file", "");
        properties.put("emqx.retry-delay-ms", "10");
        properties.put("camel.main.routes-reload-enabled", "false");
        return properties;
    }

    /** The exporter watching the small fleet's clients with these settings on top of the defaults, not yet polled. */
    public static RunningExporter onSmallFleetWith(EmqxSimulator emqx, Clock clock, Map<String, String> extra) {
        Map<String, String> properties = defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.putAll(extra);
        return start(properties, clock);
    }

    /** The exporter watching the small fleet's clients ({@link Fleets#SMALL_FLEET_CLIENTS}), after its first poll. */
    public static RunningExporter onSmallFleet(EmqxSimulator emqx, Clock clock) {
        Map<String, String> properties = defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        RunningExporter exporter = start(properties, clock);
        exporter.pollNow();
        return exporter;
    }

    /**
     * The exporter on the small fleet with live route reload on a copy of routes/ in {@code routes} (not yet polled):
     * for specifications of route edits.
     */
    public static RunningExporter onSmallFleetReloadingRoutesIn(java.nio.file.Path routes, EmqxSimulator emqx, Clock clock)
            throws IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("routes"))) {
            for (java.nio.file.Path file : files.toList()) {
                java.nio.file.Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Map<String, String> properties = defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        properties.put("camel.main.routes-reload-enabled", "true");
        properties.put("camel.main.routes-reload-directory", routes.toString());
        return start(properties, clock);
    }

    public static RunningExporter start(Map<String, String> properties, Clock clock) {
        Main main = CamelLauncher.create(properties);
        if (clock != null) {
            main.bind(MonitorBeans.CLOCK, clock);
        }
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new RunningExporter(main, Integer.parseInt(properties.get("camel.server.port")));
    }

    public void pollNow(String brokerAlias) {
        producer.sendBody("direct:emqx-poll-broker", brokerAlias);
    }

    public void pollNow() {
        pollNow("emqx");
    }

    public String scrape() {
        return get("/metrics", null).body();
    }

    public HttpResponse<String> get(String path, String accept) {
        HttpRequest.Builder request = request(path);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request);
    }

    /** A request to this exporter (path with its query), to be finished and {@link #send sent} by the caller. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ClientTracker tracker() {
        return context().getRegistry().lookupByNameAndType("clientTracker", ClientTracker.class);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
