package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.Promtool;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet watched by pattern ({@code emqx.clients.like}, {@code emqx.clients.pattern}) next to explicit clients,
 * bounded by {@code monitor.max-clients}: on 100,000 simulated clients, through the real routes.
 */
class PatternFleetTest {
    private static final int FLEET = 100_000;
    private static final int BOUND = 2_000;
    private static final String CONNECTED = "emqx_client_monitor_connected";
    private static final String REFUSED = "emqx_client_monitor_pattern_clients_refused_total";

    @Test
    void aHundredThousandMatchesAboveTheBoundExportExactlyTheBoundAndEveryExplicitClient() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = Fleet.connected(clock, "sensor-", FLEET, 14);
        fleet.add("other-1").publish(3, 0, 10);
        String explicitMatch = fleet.clientIds().get(FLEET / 2);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(EmqxVersion.V5_8)).start();
             LogCapture log = LogCapture.start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "Listed=" + explicitMatch + ",Other=other-1,Ghost=ghost-1");
            properties.put("emqx.clients.like", "sensor-");
            properties.put("emqx.clients.pattern", "^sensor-0*(?<alias>\\d+)$");
            properties.put("monitor.max-clients", Integer.toString(BOUND));
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                List<SeenRequest> requests = emqx.requests().all();
                Exposition first = new Exposition(exporter.scrape());

                List<String> connected = first.samples(CONNECTED);
                assertEquals(BOUND + 3, connected.size(), "the bound plus the three explicit clients");
                assertEquals(BOUND + 3, new HashSet<>(clientIds(connected)).size(), "no client twice");
                assertTrue(connected.contains(CONNECTED + "{alias=\"Listed\",broker=\"emqx\",client_id=\"" + explicitMatch + "\"} 1.0"),
                        "an explicit entry wins over the pattern: its alias");
                assertTrue(connected.contains(CONNECTED + "{alias=\"Other\",broker=\"emqx\",client_id=\"other-1\"} 1.0"));
                assertTrue(connected.contains(CONNECTED + "{alias=\"Ghost\",broker=\"emqx\",client_id=\"ghost-1\"} 0.0"));
                assertTrue(connected.contains(CONNECTED + "{alias=\"0\",broker=\"emqx\",client_id=\"sensor-0000000\"} 1.0"),
                        "the alias is the regex's group: " + connected.get(3));
                assertEquals(BOUND, first.valueOf("emqx_client_monitor_pattern_clients", "broker=\"emqx\""));
                assertEquals(FLEET - 1 - BOUND, first.valueOf(REFUSED, "broker=\"emqx\""), "every match beyond the bound, once");
                List<String> warnings = log.lines(l -> l.contains("[WARN]") && l.contains("monitor.max-clients"));
                assertEquals(1, warnings.size(), String.join("\n", log.warningsAndErrors()));
                assertTrue(warnings.get(0).contains("raise monitor.max-clients"), warnings.get(0));
                Promtool.assertClean(exporter.scrape());

                SeenRequest explicitBatch = requests.get(0);
                assertEquals(3, explicitBatch.clientIdParams().size());
                assertFalse(explicitBatch.rawPathAndQuery().contains("like_clientid"));
                List<SeenRequest> scan = requests.subList(1, requests.size());
                assertEquals(FLEET / 10_000, scan.size(), "one paged scan at limit 10000: " + scan);
                assertTrue(scan.stream().allMatch(r -> r.rawPathAndQuery().contains("like_clientid=sensor-")
                        && r.clientIdParams().isEmpty()), "like_clientid is its own scan, never next to clientid=");

                clock.advance(java.time.Duration.ofSeconds(15));
                exporter.pollNow();
                Exposition second = new Exposition(exporter.scrape());
                assertEquals(Set.copyOf(connected), Set.copyOf(second.samples(CONNECTED)), "the same first matches stay");
                assertEquals(FLEET - 1 - BOUND, second.valueOf(REFUSED, "broker=\"emqx\""),
                        "the same refused clients are not counted again");
                assertEquals(1, log.lines(l -> l.contains("[WARN]") && l.contains("monitor.max-clients")).size(), "one WARN");
            }
        }
    }

    static List<String> clientIds(List<String> samples) {
        return samples.stream().map(s -> s.substring(s.indexOf("client_id=\"") + 11, s.indexOf('"', s.indexOf("client_id=\"") + 11))).toList();
    }
}
