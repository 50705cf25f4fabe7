package io.emqxclientmonitor.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state file keeps counters monotonic and diagnostics across restarts of the exporter: written after polls
 * (in the background) and at shutdown, read before the first poll; a bad file never stops the exporter.
 */
class StateFileTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String PUMP = "alias=\"Pump\",broker=\"emqx\",client_id=\"pump-1\"";
    private static final String VALVE = "alias=\"Valve\",broker=\"emqx\",client_id=\"valve-1\"";

    @TempDir
    Path dir;

    private final SteppedClock clock = new SteppedClock(T0);
    private final Fleet fleet = new Fleet(clock);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    private Path stateFile;

    @BeforeEach
    void startEmqx() {
        fleet.add("pump-1").publish(40, 0, 10);
        fleet.add("valve-1").publish(7, 0, 10);
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        stateFile = dir.resolve("data/state.json");
    }

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        emqx.close();
    }

    @Test
    void aRestartKeepsEveryCounterMonotonicAndTheRecentEvents() {
        start("Pump=pump-1,Valve=valve-1");
        exporter.pollNow();
        clock.advance(Duration.ofSeconds(15));
        fleet.client("pump-1").connect().publish(5, 0, 10);   // EMQX restarts the pump's counters
        exporter.pollNow();
        restart("Pump=pump-1,Valve=valve-1", () -> {
            clock.advance(Duration.ofMinutes(5));
            fleet.client("pump-1").publish(5, 0, 10);           // same connection: 10 now
            fleet.client("valve-1").connect().publish(2, 0, 10); // reconnected while the exporter was down
        });

        JsonNode beforeFirstPoll = api("/api/v1/clients/Pump");
        assertEquals("unknown", beforeFirstPoll.path("state").asText());
        assertEquals(45, beforeFirstPoll.path("counters").path("recv_msg").asLong());
        assertEquals(3, beforeFirstPoll.path("recent_events").size());

        exporter.pollNow();
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(50, metrics.valueOf("emqx_client_monitor_messages_processed_total", PUMP + ",direction=\"rx\""));
        assertEquals(2, metrics.valueOf("emqx_client_monitor_connects_total", PUMP));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_disconnects_total", PUMP));
        assertEquals(9, metrics.valueOf("emqx_client_monitor_messages_processed_total", VALVE + ",direction=\"rx\""));
        assertEquals(2, metrics.valueOf("emqx_client_monitor_connects_total", VALVE));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_disconnects_total", VALVE));

        JsonNode pump = api("/api/v1/clients/Pump");
        assertEquals(3, pump.path("recent_events").size(), "no connection of the pump happened while the exporter was down");
        assertEquals(T0.toString(), pump.path("recent_events").get(0).path("at").asText());
        assertEquals(15.0, pump.path("diagnostics").path("longest_session_seconds").asDouble());
    }

    @Test
    void theFileIsWrittenAfterEachPollWithoutWaitingForShutdown() throws Exception {
        start("Pump=pump-1");
        exporter.pollNow();
        JsonNode state = awaitStateWrittenAt(T0);

        assertEquals(1, state.path("format").asInt());
        JsonNode pump = state.path("brokers").path("emqx").path("pump-1");
        assertEquals("Pump", pump.path("alias").asText());
        assertEquals(1, pump.path("connects").asInt());
        try (var files = Files.list(stateFile.getParent())) {
            assertEquals(1, files.count(), "only state.json: the temporary file was renamed over it");
        }
    }

    @Test
    void aCorruptFileIsMovedAsideWithOneWarningAndTheExporterStartsFresh() throws Exception {
        Files.createDirectories(stateFile.getParent());
        Files.writeString(stateFile, "{\"format\":1,\"brokers\":{\"emqx\":{\"pump-1\":{\"connects\":");
        try (CapturedStderr log = new CapturedStderr()) {
            start("Pump=pump-1");
            assertEquals(1, log.linesContaining("state.json").stream().filter(l -> l.contains("WARN")).count(),
                    "one warning naming the file");
        }
        Path aside = stateFile.resolveSibling("state.json.corrupt-20260301T120000Z");
        assertTrue(Files.exists(aside), "the corrupt file is kept for inspection");
        assertTrue(Files.readString(aside).endsWith("\"connects\":"));

        exporter.pollNow();
        assertEquals(1, awaitStateWrittenAt(T0).path("brokers").path("emqx").path("pump-1").path("connects").asInt());
    }

    @Test
    void aFileOfANewerFormatIsKeptAsideRatherThanGuessedAt() throws Exception {
        Files.createDirectories(stateFile.getParent());
        Files.writeString(stateFile, "{\"format\":2,\"brokers\":{\"emqx\":{\"pump-1\":{\"connects\":1000}}}}");
        start("Pump=pump-1");
        exporter.pollNow();

        assertTrue(Files.exists(stateFile.resolveSibling("state.json.corrupt-20260301T120000Z")));
        assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_connects_total", PUMP));
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingOnesTakeTheirDefaults() throws Exception {
        Files.createDirectories(stateFile.getParent());
        Files.writeString(stateFile, """
                {"format": 1, "written_by": "a later version", "brokers": {"emqx": {"pump-1": {
                  "seen": true, "connected": true, "connected_at": %d, "connects": 41, "disconnects": 40,
                  "counters_v2": {"anything": 1}, "last": [], "events": [["connect", %d], ["teleport", 5]]}}}}
                """.formatted(T0.toEpochMilli(), T0.toEpochMilli()));
        start("Pump=pump-1");
        exporter.pollNow();

        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(41, metrics.valueOf("emqx_client_monitor_connects_total", PUMP), "same connected_at: no new connection");
        assertEquals(40, metrics.valueOf("emqx_client_monitor_messages_processed_total", PUMP + ",direction=\"rx\""));
        assertEquals(1, api("/api/v1/clients/Pump").path("recent_events").size());
    }

    @Test
    void clientsNoLongerConfiguredAreKeptWithTheirRemovalTimeForTheGracePeriodThenDropped() throws Exception {
        start("Pump=pump-1,Valve=valve-1");
        exporter.pollNow();
        restart("Pump=pump-1", () -> clock.advance(Duration.ofSeconds(15)));
        exporter.pollNow();

        JsonNode brokers = awaitStateWrittenAt(T0.plusSeconds(15)).path("brokers").path("emqx");
        assertTrue(brokers.has("pump-1"));
        assertFalse(brokers.path("pump-1").has("removed_at"));
        assertEquals(T0.plusSeconds(15).toEpochMilli(), brokers.path("valve-1").path("removed_at").asLong(),
                "kept for monitor.removed-client-retention (24 h) from its removal");

        restart("Pump=pump-1", () -> clock.advance(Duration.ofHours(25)));
        exporter.pollNow();
        assertFalse(awaitStateWrittenAt(T0.plusSeconds(15).plus(Duration.ofHours(25))).path("brokers").path("emqx").has("valve-1"));
    }

    @Test
    void anUnwritableLocationCostsOneWarningAndPollingGoesOn() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        stateFile = notADirectory.resolve("state.json");
        try (CapturedStderr log = new CapturedStderr()) {
            start("Pump=pump-1");
            for (int i = 0; i < 3; i++) {
                exporter.pollNow();
                clock.advance(Duration.ofSeconds(15));
            }
            exporter.close();
            exporter = null;
            assertEquals(1, log.linesContaining("cannot be written").size(), "one warning, not one per poll");
        }
    }

    private void start(String clients) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", clients);
        properties.put("monitor.state-file", stateFile.toString());
        exporter = RunningExporter.start(properties, clock);
    }

    private void restart(String clients, Runnable whileDown) {
        exporter.close();
        whileDown.run();
        start(clients);
    }

    private JsonNode awaitStateWrittenAt(Instant at) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(stateFile)) {
                JsonNode state = readState();
                if (state != null && at.toString().equals(state.path("written_at").asText())) {
                    return state;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("state file not written at " + at + ": " + (Files.exists(stateFile) ? Files.readString(stateFile) : "none"));
    }

    private JsonNode readState() {
        try {
            return new ObjectMapper().readTree(stateFile.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode api(String path) {
        try {
            return new ObjectMapper().readTree(exporter.get(path, null).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
