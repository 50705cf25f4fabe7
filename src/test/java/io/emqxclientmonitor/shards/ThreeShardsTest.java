package io.emqxclientmonitor.shards;

import io.emqxclientmonitor.config.ShardAssignment;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three shards against one EMQX give, taken together, exactly the per-client series one unsharded exporter gives:
 * same values from the same answers, no client twice, none missing; with the clientid filter (EMQX 5.6+) they ask
 * EMQX about as often as the one exporter, and without it (before 5.6) each shard scans the whole list.
 */
class ThreeShardsTest {
    private static final int SHARDS = 3;
    private static final int MONITORED = 1000;

    @Test
    void threeShardsTogetherAreOneUnshardedExporterAndAskEmqxAboutAsOften() throws Exception {
        Runs runs = run(EmqxVersion.V5_8);
        assertSameSeries(runs);
        int alone = runs.requests.get(0);
        int sharded = runs.requests.subList(1, SHARDS + 1).stream().mapToInt(Integer::intValue).sum();
        assertEquals(4, alone, "1000 ids of 20 characters fit in 4 requests of 8000 bytes");
        // each shard may leave one batch part-filled: at most one request more per shard, never a full scan
        assertTrue(sharded >= alone && sharded <= alone + SHARDS, "shards asked " + sharded + " times, alone " + alone);
    }

    @Test
    void beforeEmqx56EveryShardScansTheWholeListAndKeepsItsShare() throws Exception {
        Runs runs = run(EmqxVersion.V5_4);
        assertSameSeries(runs);
        int alone = runs.requests.get(0);
        for (int shard = 1; shard <= SHARDS; shard++) {
            assertEquals(alone, runs.requests.get(shard), "shard " + (shard - 1) + " pages the full list like one exporter");
        }
    }

    private static void assertSameSeries(Runs runs) {
        List<String> together = new ArrayList<>();
        Set<String> clientsSeen = new HashSet<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            List<String> own = runs.clientSeries.get(shard + 1);
            assertTrue(own.size() > 0, "shard " + shard + " exports something");
            Set<String> clients = new HashSet<>();
            for (String line : own) {
                clients.add(line.replaceAll(".*client_id=\"([^\"]*)\".*", "$1"));
            }
            for (String client : clients) {
                assertTrue(clientsSeen.add(client), client + " is exported by two shards");
                assertEquals(shard, ShardAssignment.shardOf("emqx", client, SHARDS), client + " on the wrong shard");
            }
            together.addAll(own);
        }
        together.sort(null);
        assertEquals(runs.clientSeries.get(0), together);
        assertEquals(MONITORED, clientsSeen.size());
    }

    /** Requests of the second poll and the per-client series after it: index 0 unsharded, then shards 0..2. */
    private record Runs(List<Integer> requests, List<List<String>> clientSeries) {
    }

    private static Runs run(EmqxVersion version) throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = Fleet.connected(clock, "sensor-", 1500, 20);
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
        List<RunningExporter> exporters = new ArrayList<>();
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start()) {
            for (int shard = -1; shard < SHARDS; shard++) {
                Map<String, String> properties = RunningExporter.defaults(emqx);
                properties.put("emqx.clients-file", clients.toString());
                if (shard >= 0) {
                    properties.put("monitor.shard", Integer.toString(shard));
                    properties.put("monitor.total-shards", Integer.toString(SHARDS));
                }
                exporters.add(RunningExporter.start(properties, clock));
            }
            exporters.forEach(RunningExporter::pollNow);
            // between the polls: traffic, a client leaving and one coming back
            clock.advance(Duration.ofSeconds(15));
            for (int i = 0; i < MONITORED; i += 11) {
                fleet.client(ids.get(i)).publish(3, 2, 100);
            }
            fleet.client(ids.get(5)).disconnect(false);
            fleet.client(ids.get(500)).disconnect(true);
            fleet.client(ids.get(7)).disconnect(true).connect();
            clock.advance(Duration.ofSeconds(15));
            List<Integer> requests = new ArrayList<>();
            List<List<String>> series = new ArrayList<>();
            for (RunningExporter exporter : exporters) {
                emqx.requests().clear();
                exporter.pollNow();
                requests.add(emqx.requests().count());
                series.add(new Exposition(exporter.scrape()).lines().stream()
                        .filter(l -> l.contains("client_id=") && !l.startsWith("#")).sorted().toList());
            }
            for (int i = 0; i < exporters.size(); i++) {
                String shard = i == 0 ? "0" : Integer.toString(i - 1);
                String total = i == 0 ? "1" : Integer.toString(SHARDS);
                assertEquals(1.0, new Exposition(exporters.get(i).scrape()).valueOf("emqx_client_monitor_shard_info",
                        "shard=\"" + shard + "\",total_shards=\"" + total + "\""));
            }
            return new Runs(requests, series);
        } finally {
            exporters.forEach(RunningExporter::close);
            Files.deleteIfExists(clients);
        }
    }
}
