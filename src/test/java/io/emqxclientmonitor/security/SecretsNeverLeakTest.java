package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter runs with a known API secret and a known web password through failing polls (EMQX rejects the
 * key with 401, then refuses connections, then a poll over TLS fails the handshake), is scraped and queried, and
 * stops. No output holds a secret: not the captured log (startup summary included), the failure messages,
 * {@code /metrics}, the JSON API, the landing page and probes, Camel's endpoint URIs, nor the state file; neither
 * the plain secret nor its Basic-auth encoding, nor the web password or its hash.
 */
class SecretsNeverLeakTest {
    private static final String API_SECRET = "s3cret-" + UUID.randomUUID();
    private static final String API_KEY = "key-" + UUID.randomUUID();
    private static final String WEB_PASSWORD = "web-pw-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void noOutputHoldsASecret() throws Exception {
        String webHash = BCrypt.hashpw(WEB_PASSWORD, BCrypt.gensalt(10));
        Map<String, String> outputs = new LinkedHashMap<>();
        SteppedClock clock = new SteppedClock(Fleets.START);
        Path stateFile = dir.resolve("state.json");
        try (LogCapture log = LogCapture.start()) {
            // EMQX knows another secret: every poll gets 401
            EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults().withCredentials(API_KEY, "the-real-one"));
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.api.key", API_KEY);
            properties.put("emqx.api.secret", API_SECRET);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            properties.put("monitor.state-file", stateFile.toString());
            properties.put("monitor.web.basic-auth.users", "prometheus:" + webHash);
            RunningExporter exporter = RunningExporter.start(properties, clock);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + exporter.port();
            String auth = WebSecurityTest.basic("prometheus", WEB_PASSWORD);

            exporter.pollNow();
            outputs.put("failure after 401", exporter.tracker().broker("emqx").health().lastFailure().message());
            emqx.close();
            exporter.pollNow();
            outputs.put("failure after connection refused", exporter.tracker().broker("emqx").health().lastFailure().message());
            for (String path : List.of("/metrics", "/api/v1/clients", "/api/v1/clients/Sleeper", "/api/v1/clients/nobody",
                    "/", "/-/ready", "/-/healthy", "/no-such-page")) {
                outputs.put(path, WebSecurityTest.get(http, base + path, auth).body());
                outputs.put(path + " (unauthenticated)", WebSecurityTest.get(http, base + path, null).body());
            }
            List<String> endpoints = new ArrayList<>();
            for (Endpoint endpoint : exporter.context().getEndpoints()) {
                endpoints.add(endpoint.getEndpointUri());
            }
            outputs.put("endpoint URIs", String.join("\n", endpoints));
            exporter.close();
            outputs.put("state file", Files.exists(stateFile) ? Files.readString(stateFile) : "");

            // the same secret over TLS to a server whose CA is unknown
            ThrowAwayPki pki = ThrowAwayPki.get();
            try (EmqxSimulator tls = Fleets.smallFleet(clock, SimulatorOptions.defaults()
                    .withTls(ThrowAwayPki.serverContext(pki.server)));
                 RunningExporter overTls = RunningExporter.start(withUrl(properties, tls.apiUrl()), clock)) {
                overTls.pollNow();
                outputs.put("failure after TLS handshake", overTls.tracker().broker("emqx").health().lastFailure().message());
            }
            outputs.put("log", log.text());
        }

        assertTrue(outputs.get("log").contains("poll failed (auth)"), "the failures were logged");
        assertTrue(outputs.get("log").contains("Property-placeholders summary"), "the startup summary was captured");
        assertFalse(outputs.get("state file").isEmpty(), "the state file was written");
        String basic = Base64.getEncoder().encodeToString((API_KEY + ":" + API_SECRET).getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> output : outputs.entrySet()) {
            for (String secret : List.of(API_SECRET, basic, WEB_PASSWORD, webHash, webHash.substring(7))) {
                assertFalse(output.getValue().contains(secret), output.getKey() + " holds a secret:\n" + excerpt(output.getValue(), secret));
            }
        }
        assertEquals(List.of(), Stream.of(outputs.get("log").split("\n"))
                .filter(line -> line.contains("emqx.api.secret =") && !line.contains("xxxxxx")).toList(), "masked in the summary");
    }

    private static Map<String, String> withUrl(Map<String, String> properties, String url) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put("emqx.url", url);
        copy.put("camel.server.port", Integer.toString(RunningExporter.freePort()));
        copy.put("monitor.state-file", "");
        return copy;
    }

    private static String excerpt(String text, String secret) {
        int at = text.indexOf(secret);
        return text.substring(Math.max(0, at - 300), Math.min(text.length(), at + secret.length() + 100));
    }
}
