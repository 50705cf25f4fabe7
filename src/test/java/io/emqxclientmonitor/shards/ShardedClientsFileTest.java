package io.emqxclientmonitor.shards;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.ShardAssignment;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A live edit of the clients file: every shard takes its share of the new list, and together they have all of it. */
class ShardedClientsFileTest {
    private static final int SHARDS = 2;

    @TempDir
    Path dir;

    @Test
    void eachShardKeepsItsShareOfAnEditedClientsFile() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Path file = dir.resolve("clients.yaml");
        write(file, IntStream.range(0, 20), 1);
        List<RunningExporter> exporters = new ArrayList<>();
        try (EmqxSimulator emqx = new EmqxSimulator(new Fleet(clock), SimulatorOptions.defaults()).start()) {
            for (int shard = 0; shard < SHARDS; shard++) {
                Map<String, String> properties = RunningExporter.defaults(emqx);
                properties.put("emqx.clients", "Inline=fan-1");
                properties.put("emqx.clients-file", file.toString());
                properties.put("monitor.clients-file-check-seconds", "0.05");
                properties.put("monitor.shard", Integer.toString(shard));
                properties.put("monitor.total-shards", Integer.toString(SHARDS));
                exporters.add(RunningExporter.start(properties, clock));
            }
            assertShares(exporters, IntStream.range(0, 20));

            write(file, IntStream.range(5, 40), 2); // 5 removed, 20 added
            await(() -> together(exporters).size() == 36);
            assertShares(exporters, IntStream.range(5, 40));
        } finally {
            exporters.forEach(RunningExporter::close);
        }
    }

    private static void assertShares(List<RunningExporter> exporters, IntStream fileIds) {
        List<String> expected = new ArrayList<>(fileIds.mapToObj(i -> "dev-" + i).toList());
        expected.add("fan-1");
        expected.sort(null);
        for (int shard = 0; shard < exporters.size(); shard++) {
            for (String id : ids(exporters.get(shard))) {
                assertEquals(shard, ShardAssignment.shardOf("emqx", id, SHARDS), id + " on the wrong shard");
            }
        }
        List<String> together = together(exporters);
        together.sort(null);
        assertEquals(expected, together, "every client once");
    }

    private static List<String> together(List<RunningExporter> exporters) {
        List<String> all = new ArrayList<>();
        exporters.forEach(e -> all.addAll(ids(e)));
        return all;
    }

    private static List<String> ids(RunningExporter exporter) {
        return exporter.tracker().broker("emqx").config().clients().stream().map(MonitoredClient::clientId).toList();
    }

    private static void write(Path file, IntStream ids, int edit) throws Exception {
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        ids.forEach(i -> yaml.append("  - {alias: d").append(i).append(", client_id: dev-").append(i).append("}\n"));
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(edit)));
    }

    private static void await(BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
