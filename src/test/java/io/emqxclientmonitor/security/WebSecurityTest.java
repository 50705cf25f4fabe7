package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter's own port: optional HTTP basic authentication with hashed passwords
 * ({@code monitor.web.basic-auth.users}, bcrypt or SHA-256, as in the Prometheus exporter-toolkit) in front of
 * {@code /metrics}, the JSON API and {@code /}, with the Kubernetes probes left open; and TLS with Camel's own
 * settings ({@code camel.server.useGlobalSslContextParameters} and {@code camel.ssl.*}). Through real HTTP(S).
 */
class WebSecurityTest {
    private static final String PROMETHEUS_PASSWORD = "scrape-me-" + System.nanoTime();
    private static final String GRAFANA_PASSWORD = "read-the-api";
    private static final List<String> PROTECTED = List.of("/metrics", "/api/v1/clients", "/api/v1/clients/Sleeper", "/");
    private static final List<String> OPEN = List.of("/-/healthy", "/-/ready");

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        emqx.close();
    }

    /** htpasswd -nBC 10 writes $2y$; the same bcrypt, so the test turns jBCrypt's $2a$ into $2y$. */
    static String users() {
        String bcrypt = "$2y$" + BCrypt.hashpw(PROMETHEUS_PASSWORD, BCrypt.gensalt(10)).substring(4);
        return "prometheus:" + bcrypt + ",grafana:sha256:" + sha256Hex(GRAFANA_PASSWORD);
    }

    @Test
    void withUsersConfiguredEveryPageButTheProbesNeedAValidPassword() throws Exception {
        start(Map.of("monitor.web.basic-auth.users", users()));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + exporter.port();
        for (String path : PROTECTED) {
            HttpResponse<String> anonymous = get(http, base + path, null);
            assertEquals(401, anonymous.statusCode(), path);
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), path);
            assertFalse(anonymous.body().contains("emqx_client_monitor"), path);
            assertEquals(401, get(http, base + path, basic("prometheus", "wrong")).statusCode(), path);
            assertEquals(401, get(http, base + path, basic("nobody", PROMETHEUS_PASSWORD)).statusCode(), path);
            assertEquals(401, get(http, base + path, basic("grafana", PROMETHEUS_PASSWORD)).statusCode(), path);
            assertEquals(401, get(http, base + path, "Bearer " + PROMETHEUS_PASSWORD).statusCode(), path);
            assertEquals(200, get(http, base + path, basic("prometheus", PROMETHEUS_PASSWORD)).statusCode(), path);
            assertEquals(200, get(http, base + path, basic("grafana", GRAFANA_PASSWORD)).statusCode(), path);
        }
        for (String path : OPEN) {
            assertEquals(200, get(http, base + path, null).statusCode(), path + " stays open for kubelet probes");
        }
        HttpResponse<String> metrics = get(http, base + "/metrics", basic("prometheus", PROMETHEUS_PASSWORD));
        assertTrue(metrics.body().contains("emqx_client_monitor_up{broker=\"emqx\"} 1.0"), metrics.body());
    }

    @Test
    void usersCanComeFromAnHtpasswdFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path htpasswd = dir.resolve("htpasswd");
        java.nio.file.Files.writeString(htpasswd, "# made with htpasswd -cB\n" + users().replace(",", "\n") + "\n");
        start(Map.of("monitor.web.basic-auth.htpasswd", htpasswd.toString()));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + exporter.port();
        assertEquals(401, get(http, base + "/metrics", null).statusCode());
        assertEquals(200, get(http, base + "/metrics", basic("prometheus", PROMETHEUS_PASSWORD)).statusCode());
        assertEquals(200, get(http, base + "/metrics", basic("grafana", GRAFANA_PASSWORD)).statusCode());
    }

    @Test
    void dotSegmentsThroughAnOpenPathDoNotBypassTheCheck() throws Exception {
        start(Map.of("monitor.web.basic-auth.users", users()));
        for (String target : List.of("/-/healthy/../../metrics", "/-/ready/%2e%2e/%2e%2e/metrics", "//metrics",
                "/-/healthy/..%2F..%2Fmetrics")) {
            String answer = rawGet(exporter.port(), target);
            assertFalse(answer.startsWith("HTTP/1.1 200") && answer.contains("emqx_client_monitor_up"), target + ":\n" + answer);
        }
    }

    @Test
    void aPlainPasswordInsteadOfAHashIsRefusedAtStartWithoutEchoingIt() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = properties(Map.of("monitor.web.basic-auth.users", "prometheus:hunter2-plain"));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> RunningExporter.start(properties, clock));
        String messages = messages(failure);
        assertTrue(messages.contains("monitor.web.basic-auth.users") && messages.contains("'prometheus'"), messages);
        assertFalse(messages.contains("hunter2-plain"), messages);
    }

    @Test
    void tlsOnTheExportersPortWithCamelsGlobalSslSettings() throws Exception {
        ThrowAwayPki pki = ThrowAwayPki.get();
        start(Map.of(
                "camel.server.useGlobalSslContextParameters", "true",
                "camel.ssl.enabled", "true",
                "camel.ssl.keyStore", "file:" + pki.server,
                "camel.ssl.keyStoreType", "PKCS12",
                "camel.ssl.keystorePassword", ThrowAwayPki.PASSWORD,
                "monitor.web.basic-auth.users", users()));
        SSLContext trustingCa = pki.clientTrustingCa();
        HttpClient https = HttpClient.newBuilder().sslContext(trustingCa).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://127.0.0.1:" + exporter.port();

        assertEquals(401, get(https, base + "/metrics", null).statusCode());
        HttpResponse<String> metrics = get(https, base + "/metrics", basic("prometheus", PROMETHEUS_PASSWORD));
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("emqx_client_monitor_up{broker=\"emqx\"} 1.0"), "EMQX over plain HTTP still polled");
        assertEquals(200, get(https, base + "/-/ready", null).statusCode());
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/-/healthy"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString()),
                "plain HTTP is not served on the TLS port");
    }

    private void start(Map<String, String> extra) {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        exporter = RunningExporter.start(properties(extra), clock);
        exporter.pollNow();
    }

    private Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.putAll(extra);
        return properties;
    }

    static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request target sent exactly as written (HTTP clients normalise dot segments away). */
    private static String rawGet(int port, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String messages(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}
