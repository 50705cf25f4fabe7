package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Prometheus' own linter accepts a live /metrics with every flag on, awkward client ids and label values
 * included. CI installs promtool (Debian's prometheus package) and fails if it is missing; elsewhere the test
 * is skipped without it. The scrape is kept in target/metrics-all-flags.prom for .ci/run.
 */
class PromtoolLintTest {

    @Test
    void promtoolCheckMetricsAcceptsTheLiveExposition() throws Exception {
        boolean promtool = onPath("promtool");
        if (!promtool) {
            assertTrue(!"true".equals(System.getenv("CI")), "CI must install promtool (apt-get install prometheus)");
            assumeTrue(false, "promtool is not installed");
        }
        String exposition = scrapeWithAllFlags();
        Path file = Path.of("target/metrics-all-flags.prom");
        Files.writeString(file, exposition);

        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + output);
        assertEquals("", output.trim(), "promtool lint findings");
    }

    private static String scrapeWithAllFlags() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults())) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS + ",Quote \\\"back\\\\slash ü=ghost-2");
            for (String flag : new String[]{"qos-split", "dropped-counters", "reason-split", "dates", "session-histograms"}) {
                properties.put("metrics.enable-" + flag, "true");
            }
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                return exporter.scrape();
            }
        }
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
