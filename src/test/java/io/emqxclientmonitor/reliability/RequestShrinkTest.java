package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EMQX (or a proxy in front of it) refuses the request's size: a 414 for a request line longer than it allows,
 * a 400 for a {@code limit} above 1000 (EMQX before 5.5). The poller shrinks its batches or its page size, warns
 * once per step, finishes the same poll with every client, and remembers the size for the next polls.
 */
class RequestShrinkTest {
    private static final int MONITORED = 600;

    @TempDir
    Path dir;
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @AfterEach
    void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    void a414MakesThePollerUseShorterRequestsAndCarryOn() throws Exception {
        // a proxy in front of EMQX allows 3000 bytes of request line instead of EMQX's 8000
        start(SimulatorOptions.defaults().withMaxRequestLine(3000));
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();

            List<SeenRequest> first = emqx.requests().all();
            assertTrue(first.stream().anyMatch(r -> r.status() == 414), "EMQX refused the first requests");
            assertEveryClientConnected();
            List<String> warnings = log.lines(l -> l.contains("[WARN]") && l.contains("414"));
            assertFalse(warnings.isEmpty());
            assertEquals(first.stream().filter(r -> r.status() == 414).count(), warnings.size(), "one warning per shrink step");
            assertEquals(warnings.size(), log.warningsAndErrors().size(), "nothing else to warn about: " + log.warningsAndErrors());

            emqx.requests().clear();
            exporter.pollNow();
            List<SeenRequest> second = emqx.requests().all();
            assertTrue(second.stream().allMatch(r -> r.status() == 200 && r.requestLineLength() <= 3000),
                    "the next poll uses the size that worked");
            int idsPerRequest = MONITORED / second.size();
            assertTrue(second.size() <= Math.ceil(MONITORED / (double) idsPerRequest) + 1, second.size() + " requests");
        }
    }

    @Test
    void a400ForLimitMakesTheFullListPollerPageWithLimit1000() throws Exception {
        // EMQX 5.4 ignores the clientid filter (so the poller reads the full list, limit 10000 at first) and
        // accepts at most limit=1000
        start(SimulatorOptions.defaults().withVersion(EmqxVersion.V5_4));
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();

            List<SeenRequest> requests = emqx.requests().all();
            assertTrue(requests.stream().anyMatch(r -> r.status() == 400 && r.limit() == 10_000), "limit=10000 was refused");
            assertTrue(requests.stream().anyMatch(r -> r.status() == 200 && r.limit() == 1000 && r.clientIdParams().isEmpty()),
                    "then the full list was paged with limit=1000");
            assertEveryClientConnected();
            assertEquals(1, log.lines(l -> l.contains("[WARN]") && l.contains("limit=1000")).size(), log.text());

            emqx.requests().clear();
            exporter.pollNow();
            List<SeenRequest> second = emqx.requests().all();
            assertTrue(second.stream().allMatch(r -> r.status() == 200 && r.limit() == 1000 && r.clientIdParams().isEmpty()),
                    "the next poll pages the full list with limit=1000 at once: " + second);
            assertEquals(2, second.size(), "1500 clients in pages of 1000");
        }
    }

    private void start(SimulatorOptions options) throws Exception {
        Fleet fleet = Fleet.connected(clock, "device-", 1500, 20);
        emqx = new EmqxSimulator(fleet, options).start();
        Path clients = dir.resolve("clients.yaml");
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        for (String id : fleet.clientIds().subList(0, MONITORED)) {
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        Files.writeString(clients, yaml);
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients-file", clients.toString());
        exporter = RunningExporter.start(properties, clock);
    }

    private void assertEveryClientConnected() {
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(MONITORED, metrics.samples("emqx_client_monitor_connected").stream().filter(s -> s.endsWith(" 1.0")).count());
    }
}
