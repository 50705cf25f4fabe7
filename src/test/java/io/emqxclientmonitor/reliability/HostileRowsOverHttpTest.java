package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile EMQX over real HTTP, through the real poll route: every row listed twice in flipping order, and counters
 * near 2^63. The numbers stay true and /metrics stays 200 and valid.
 */
class HostileRowsOverHttpTest {
    private static final String PUMP = "alias=\"Pump\",broker=\"emqx\",client_id=\"pump-1\"";
    private static final String VALVE = "alias=\"Valve\",broker=\"emqx\",client_id=\"valve-1\"";

    @Test
    void flippingDuplicateRowsNeverAdd() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        fleet.add("pump-1").publish(1008, 0, 10);
        fleet.hostileRows().flippingDuplicates(true);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "Pump=pump-1");
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                for (int poll = 0; poll < 8; poll++) {
                    clock.advance(Duration.ofSeconds(15));
                    exporter.pollNow();
                }
                Exposition metrics = new Exposition(exporter.scrape());
                assertEquals(1008, metrics.valueOf("emqx_client_monitor_messages_processed_total", PUMP + ",direction=\"rx\""));
                assertEquals(1, metrics.valueOf("emqx_client_monitor_connects_total", PUMP));
            }
        }
    }

    @Test
    void countersNear2To63AndAReconnectKeepMetricsUpAndValid() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        fleet.add("pump-1").publish(10, 0, 10);
        fleet.add("valve-1").publish(3, 0, 10);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "Pump=pump-1,Valve=valve-1");
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                fleet.hostileRows().forceCounter("pump-1", "recv_msg", Long.MAX_VALUE - 2);
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();
                fleet.client("pump-1").disconnect(false);
                clock.advance(Duration.ofSeconds(1));
                fleet.client("pump-1").connect();
                fleet.hostileRows().forceCounter("pump-1", "recv_msg", Long.MAX_VALUE);
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();

                HttpResponse<String> response = exporter.get("/metrics", null);
                assertEquals(200, response.statusCode());
                Exposition metrics = new Exposition(response.body());
                assertEquals(10, metrics.valueOf("emqx_client_monitor_messages_processed_total", PUMP + ",direction=\"rx\""));
                assertEquals(3, metrics.valueOf("emqx_client_monitor_messages_processed_total", VALVE + ",direction=\"rx\""));
                assertEquals(2, metrics.valueOf("emqx_client_monitor_invalid_values_total", "broker=\"emqx\""));
                lintIfPromtoolInstalled(response.body());
            }
        }
    }

    private static void lintIfPromtoolInstalled(String exposition) throws Exception {
        boolean installed = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            installed |= Files.isExecutable(Path.of(dir, "promtool"));
        }
        if (!installed) {
            return;
        }
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
    }
}
