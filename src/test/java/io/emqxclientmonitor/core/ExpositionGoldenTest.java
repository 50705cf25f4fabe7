package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.Golden;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

/**
 * The whole /metrics text for a fixed fleet, pinned byte for byte: any change to a name, type, label, HELP
 * text or value shows in review. Only the measured poll duration is masked.
 */
class ExpositionGoldenTest {

    @Test
    void defaultFlags() {
        Golden.assertMatches("metrics-default-flags.txt", scrapeAfterTwoPolls(Map.of()));
    }

    @Test
    void allFlagsOn() {
        Golden.assertMatches("metrics-all-flags.txt", scrapeAfterTwoPolls(Map.of(
                "metrics.enable-qos-split", "true",
                "metrics.enable-dropped-counters", "true",
                "metrics.enable-reason-split", "true",
                "metrics.enable-dates", "true",
                "emqx.events.webhook.enabled", "true")));
    }

    @Test
    void openMetricsWithAllFlagsOn() {
        Golden.assertMatches("metrics-all-flags.openmetrics.txt", scrapeAfterTwoPolls(Map.of(
                "metrics.enable-qos-split", "true",
                "metrics.enable-dropped-counters", "true",
                "metrics.enable-reason-split", "true",
                "metrics.enable-dates", "true",
                "emqx.events.webhook.enabled", "true",
                "accept", "application/openmetrics-text; version=1.0.0")));
    }

    private static String scrapeAfterTwoPolls(Map<String, String> flags) {
        SteppedClock clock = new SteppedClock(Fleets.START);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults())) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            flags.forEach((key, value) -> {
                if (!key.equals("accept")) {
                    properties.put(key, value);
                }
            });
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                clock.advance(Duration.ofSeconds(15));
                emqx.fleet().client("qingping-DEADBEEF5678").publish(2, 1, 100);
                emqx.fleet().client("sleeper-1").connect().publish(1, 0, 30).disconnect(true);
                clock.advance(Duration.ofSeconds(1));
                exporter.pollNow();
                String body = exporter.get("/metrics", flags.get("accept")).body();
                return body.replaceAll("(emqx_client_monitor_poll_duration_seconds\\{broker=\"emqx\"} )\\S+", "$1<measured>");
            }
        }
    }
}
