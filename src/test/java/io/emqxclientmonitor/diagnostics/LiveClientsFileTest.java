package io.emqxclientmonitor.diagnostics;

import io.emqxclientmonitor.config.MonitoredClient;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Editing a broker's clients file while the exporter runs: removed clients lose their series at once, added ones
 * get them from their first poll, a file that cannot be used changes nothing (one warning).
 */
class LiveClientsFileTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final SteppedClock clock = new SteppedClock(T0);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    private Path clientsFile;
    private long edits;

    @BeforeEach
    void start() throws Exception {
        Fleet fleet = new Fleet(clock);
        fleet.add("pump-1");
        fleet.add("valve-1");
        fleet.add("fan-1");
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        clientsFile = dir.resolve("clients.yaml");
        edit("""
                monitored_clients:
                  - {alias: Pump, client_id: pump-1}
                  - {alias: Valve, client_id: valve-1}
                """);
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", "Inline=fan-1");
        properties.put("emqx.clients-file", clientsFile.toString());
        properties.put("monitor.clients-file-check-seconds", "0.05");
        exporter = RunningExporter.start(properties, clock);
        exporter.pollNow();
    }

    @AfterEach
    void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    void removedClientsDisappearAtOnceAndAddedOnesAppearWithTheirFirstPoll() throws Exception {
        edit("""
                monitored_clients:
                  - {alias: Pump, client_id: pump-1}
                  - {alias: Fan, client_id: fan-2}
                """);
        awaitClients(List.of("Inline", "Pump", "Fan"));

        Exposition beforePoll = new Exposition(exporter.scrape());
        assertEquals(List.of("Inline", "Pump"), connectedAliases(beforePoll), "Valve is gone, Fan waits for its poll");

        exporter.pollNow();
        assertEquals(List.of("Fan", "Inline", "Pump"), connectedAliases(new Exposition(exporter.scrape())));
    }

    @Test
    void aFileThatCannotBeUsedKeepsThePreviousListWithOneWarning() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            edit("monitored_clients:\n  - {alias: Pump}\n");
            await(() -> !log.linesContaining("changed clients file cannot be used").isEmpty());
            Thread.sleep(300); // several more checks of the unchanged, still broken file
            assertEquals(1, log.linesContaining("cannot be used").size());
            assertTrue(log.linesContaining("cannot be used").get(0).contains("still monitoring the previous 3 client(s)"));
        }
        assertEquals(List.of("Inline", "Pump", "Valve"), aliases());

        edit("monitored_clients:\n  - {alias: Pump, client_id: pump-1}\n");
        awaitClients(List.of("Inline", "Pump"));
    }

    private void edit(String yaml) throws Exception {
        Files.writeString(clientsFile, yaml);
        // file systems with coarse timestamps: make every edit visible
        Files.setLastModifiedTime(clientsFile, FileTime.from(Instant.now().plusSeconds(++edits)));
    }

    private List<String> aliases() {
        return exporter.tracker().broker("emqx").config().clients().stream().map(MonitoredClient::alias).toList();
    }

    private void awaitClients(List<String> expected) throws Exception {
        await(() -> aliases().equals(expected));
        assertEquals(expected, aliases());
    }

    private static void await(BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Sorted, as in the exposition. */
    private static List<String> connectedAliases(Exposition metrics) {
        return metrics.samples("emqx_client_monitor_connected").stream()
                .map(line -> line.substring(line.indexOf("alias=\"") + 7, line.indexOf("\",broker"))).sorted().toList();
    }
}
