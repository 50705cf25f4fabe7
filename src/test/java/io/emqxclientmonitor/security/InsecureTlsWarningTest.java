package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** "TLS checks are OFF" is for https only: a migrated config.yaml with ssl: false on an http:// URL is not warned about. */
class InsecureTlsWarningTest {

    @Test
    void noTlsWarningForAPlainHttpUrl() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
             LogCapture log = LogCapture.start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            properties.put("emqx.tls.insecure", "true");
            try (RunningExporter ignored = RunningExporter.start(properties, clock)) {
                assertEquals(0, log.lines(line -> line.contains("TLS certificate and host name checks are OFF")).size(), log.text());
            }
        }
    }
}
