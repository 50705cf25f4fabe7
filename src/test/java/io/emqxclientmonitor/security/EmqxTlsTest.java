package io.emqxclientmonitor.security;

import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to EMQX, against the simulator serving HTTPS with a throw-away certificate: verified by default (the
 * JVM's trust store knows nothing of the throw-away CA, so the poll fails and says to set
 * {@code emqx.tls.ca-bundle}); a PEM CA bundle makes it work; a certificate for another host name fails even
 * with the right CA; insecure mode works against anything, and warns at every start.
 */
class EmqxTlsTest {
    private static final String UP = "broker=\"emqx\"";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final ThrowAwayPki pki = ThrowAwayPki.get();

    @Test
    void aCertificateSignedByTheCaInTheBundleIsTrusted() throws Exception {
        try (EmqxSimulator emqx = https(pki.server);
             RunningExporter exporter = RunningExporter.start(properties(emqx, Map.of("emqx.tls.ca-bundle", pki.caPem.toString())), clock)) {
            assertTrue(emqx.apiUrl().startsWith("https://"));
            exporter.pollNow();
            assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", UP));
        }
    }

    @Test
    void anUnknownCaIsRefusedByDefaultAndTheMessageSaysToSetTheCaBundle() throws Exception {
        try (EmqxSimulator emqx = https(pki.server);
             LogCapture log = LogCapture.start();
             RunningExporter exporter = RunningExporter.start(properties(emqx, Map.of()), clock)) {
            exporter.pollNow();
            Exposition metrics = new Exposition(exporter.scrape());
            assertEquals(0, metrics.valueOf("emqx_client_monitor_up", UP));
            assertEquals(1, metrics.valueOf("emqx_client_monitor_poll_errors_total", UP + ",reason=\"connect\""));
            PollFailure failure = exporter.tracker().broker("emqx").health().lastFailure();
            assertTrue(failure.message().contains("set emqx.tls.ca-bundle"), failure.message());
            assertEquals(1, log.lines(l -> l.contains("poll failed (connect)") && l.contains("emqx.tls.ca-bundle")).size());
            assertEquals(0, emqx.requests().count(), "no request got through the handshake");
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenWithTheRightCa() throws Exception {
        try (EmqxSimulator emqx = https(pki.otherHost);
             RunningExporter exporter = RunningExporter.start(properties(emqx, Map.of("emqx.tls.ca-bundle", pki.caPem.toString())), clock)) {
            exporter.pollNow();
            assertEquals(0, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", UP));
            PollFailure failure = exporter.tracker().broker("emqx").health().lastFailure();
            assertEquals(PollFailure.Reason.CONNECT, failure.reason());
            assertTrue(failure.message().contains("not for host '127.0.0.1'"), failure.message());
        }
    }

    @Test
    void insecureModeTrustsAnyCertificateAndWarnsAtEveryStart() throws Exception {
        try (EmqxSimulator emqx = https(pki.otherHost); LogCapture log = LogCapture.start()) {
            for (int start = 1; start <= 2; start++) {
                try (RunningExporter exporter = RunningExporter.start(properties(emqx, Map.of("emqx.tls.insecure", "true")), clock)) {
                    exporter.pollNow();
                    assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", UP));
                }
                assertEquals(start, log.lines(l -> l.contains("[WARN]") && l.contains("emqx.tls.insecure=true")).size(),
                        "one warning per start");
            }
        }
    }

    private EmqxSimulator https(Path serverStore) throws Exception {
        return Fleets.smallFleet(clock, SimulatorOptions.defaults().withTls(ThrowAwayPki.serverContext(serverStore)));
    }

    private static Map<String, String> properties(EmqxSimulator emqx, Map<String, String> tls) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.attempts", "1");
        properties.putAll(tls);
        return properties;
    }
}
