package io.emqxclientmonitor.diagnostics;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clients file rewritten in place (half of it visible for a moment) while the exporter runs: one warning naming the
 * file, the removed clients' series vanish, and when the whole file is back their counters continue unchanged.
 */
class ClientsFileHiccupTest {
    private static final String FULL = """
            monitored_clients:
              - {alias: P1, client_id: p-1}
              - {alias: P2, client_id: p-2}
              - {alias: P3, client_id: p-3}
              - {alias: P4, client_id: p-4}
            """;
    private static final String HALF = """
            monitored_clients:
              - {alias: P1, client_id: p-1}
            """;

    @TempDir
    Path dir;
    private long edits;

    @Test
    void aHalfWrittenFileWarnsOnceAndRestoringItChangesNothing() throws Exception {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-03-01T12:00:00Z"));
        Fleet fleet = new Fleet(clock);
        for (int i = 1; i <= 4; i++) {
            fleet.add("p-" + i).publish(100 * i, 0, 10);
        }
        Path clients = dir.resolve("clients.yaml");
        edit(clients, FULL);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients-file", clients.toString());
            properties.put("monitor.clients-file-check-seconds", "0.05");
            properties.put("monitor.state-file", dir.resolve("state.json").toString());
            try (RunningExporter exporter = RunningExporter.start(properties, clock); CapturedStderr log = new CapturedStderr()) {
                exporter.pollNow();
                clock.advance(Duration.ofSeconds(5));
                for (int i = 2; i <= 4; i++) { // a reconnect each: their totals are history now, not EMQX's values
                    fleet.client("p-" + i).disconnect(false);
                    fleet.client("p-" + i).connect().publish(5, 0, 10);
                }
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();
                edit(clients, HALF);
                await(() -> exporter.tracker().broker("emqx").config().clients().size() == 1);
                // the watcher reconfigures, then logs: wait for the line rather than race it
                await(() -> !log.linesContaining("3 of 4 monitored client(s) removed at once").isEmpty());
                assertEquals(1, log.linesContaining("3 of 4 monitored client(s) removed at once").size());
                assertTrue(log.linesContaining("3 of 4").get(0).contains(clients.toString()), "names the file");
                assertTrue(new Exposition(exporter.scrape()).samples("emqx_client_monitor_connected").size() == 1);
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();

                edit(clients, FULL);
                await(() -> exporter.tracker().broker("emqx").config().clients().size() == 4);
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();
                Exposition metrics = new Exposition(exporter.scrape());
                for (int i = 1; i <= 4; i++) {
                    String labels = "alias=\"P" + i + "\",broker=\"emqx\",client_id=\"p-" + i + "\"";
                    assertEquals(i == 1 ? 100 : 100 * i + 5, metrics.valueOf("emqx_client_monitor_messages_processed_total", labels + ",direction=\"rx\""));
                    assertEquals(i == 1 ? 1 : 2, metrics.valueOf("emqx_client_monitor_connects_total", labels), "no extra connect");
                }
            }
        }
    }

    @Test
    void emptyingAFileWarnsHoweverFewClientsItHad() throws Exception {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-03-01T12:00:00Z"));
        Fleet fleet = new Fleet(clock);
        fleet.add("p-1");
        Path clients = dir.resolve("clients.yaml");
        edit(clients, HALF);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "Inline=inline-1");
            properties.put("emqx.clients-file", clients.toString());
            properties.put("monitor.clients-file-check-seconds", "0.05");
            try (RunningExporter exporter = RunningExporter.start(properties, clock); CapturedStderr log = new CapturedStderr()) {
                exporter.pollNow();
                edit(clients, "monitored_clients: []\n");
                await(() -> exporter.tracker().broker("emqx").config().clients().size() == 1);
                await(() -> !log.linesContaining("1 of 2 monitored client(s) removed at once").isEmpty());
                assertEquals(1, log.linesContaining("1 of 2 monitored client(s) removed at once").size());
            }
        }
    }

    /**
     * Replaces the file at once (the watcher polls every 50 ms: written in place, it could read the file emptied or
     * cut short mid-write and see a different "half-written" file than the one this test means).
     */
    private void edit(Path file, String yaml) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, yaml);
        Files.setLastModifiedTime(next, FileTime.from(Instant.now().plusSeconds(++edits)));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean());
    }
}
