package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 monitored ids of 20 characters among 1,500 connected clients: within EMQX's 8000-byte request line,
 * in the fewest requests, and the same metrics whether EMQX honours the clientid filter (5.8) or not (5.4).
 */
class FleetScaleTest {
    private static final int MONITORED = 1000;
    private static final int ID_LENGTH = 20;
    /** ceil(total bytes of "&clientid=<id>" / room left on an 8000-byte request line) */
    private static final int FEWEST_REQUESTS = 4;

    @Test
    void emqx58IsAskedOnlyForTheMonitoredIdsInTheFewestRequestsThatFit() throws Exception {
        Run run = poll(EmqxVersion.V5_8);
        assertEquals(FEWEST_REQUESTS, run.requests.size());
        for (SeenRequest request : run.requests) {
            assertTrue(request.requestLineLength() <= 8000, "request line of " + request.requestLineLength() + " bytes");
            assertEquals(200, request.status());
        }
        assertEquals(MONITORED, run.requests.stream().mapToInt(r -> r.clientIdParams().size()).sum());
        assertEquals(MONITORED, run.connectedSamples.stream().filter(s -> s.endsWith(" 1.0")).count());
    }

    @Test
    void emqx54WhichIgnoresTheFilterGivesTheSameMetricsAs58() throws Exception {
        Run modern = poll(EmqxVersion.V5_8);
        Run old = poll(EmqxVersion.V5_4);
        assertEquals(modern.clientSeries, old.clientSeries);
        assertTrue(old.requests.stream().anyMatch(r -> r.clientIdParams().isEmpty() && r.limit() <= 1000 && r.status() == 200),
                "5.4 mode pages the full list with limit <= 1000");
    }

    private record Run(List<SeenRequest> requests, List<String> connectedSamples, List<String> clientSeries) {
    }

    private static Run poll(EmqxVersion version) throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = Fleet.connected(clock, "sensor-", 1500, ID_LENGTH);
        List<String> ids = fleet.clientIds();
        for (int i = 0; i < ids.size(); i += 7) {
            fleet.client(ids.get(i)).publish(i % 13, 1, 40);
        }
        Path clients = Files.createTempFile("clients", ".yaml");
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        for (String id : ids.subList(0, MONITORED)) {
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        Files.writeString(clients, yaml);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients-file", clients.toString());
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                // a second poll: 5.4 mode now knows the filter is ignored and goes straight to the full list
                emqx.requests().clear();
                exporter.pollNow();
                Exposition metrics = new Exposition(exporter.scrape());
                List<String> clientSeries = metrics.lines().stream()
                        .filter(l -> l.contains("client_id=") && !l.startsWith("#")).sorted().collect(Collectors.toList());
                return new Run(emqx.requests().all(), metrics.samples("emqx_client_monitor_connected"), clientSeries);
            }
        } finally {
            Files.deleteIfExists(clients);
        }
    }
}
