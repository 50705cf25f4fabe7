package io.emqxclientmonitor.shards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.cli.CheckCommand;
import io.emqxclientmonitor.cli.ExitCodes;
import io.emqxclientmonitor.cli.ServeCommand;
import io.emqxclientmonitor.config.ShardAssignment;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `check`, `check --json` and /api/v1/clients say which shard answers, and list only its clients. */
class ShardedCheckTest {
    private static final List<String> IDS = List.of("qingping-DEADBEEF5678", "sleeper-1", Fleets.AWKWARD_ID, "someone-else");

    @TempDir
    Path dir;
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;

    @BeforeEach
    void start() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        emqx.close();
    }

    @Test
    void checkSaysWhichShardAndListsOnlyItsClients() throws Exception {
        Path config = config();
        List<String> together = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            Map<String, String> sharding = Map.of("monitor.shard", Integer.toString(shard), "monitor.total-shards", "2");
            String out = check(config, sharding, false);
            assertTrue(out.startsWith("shard " + shard + " of 2 (monitor.shard, monitor.total-shards): only the clients"
                    + " this shard owns\n"), out);
            JsonNode json = new ObjectMapper().readTree(check(config, sharding, true));
            assertEquals(shard, json.at("/shard/shard").asInt());
            assertEquals(2, json.at("/shard/total_shards").asInt());
            for (JsonNode client : json.path("clients")) {
                String id = client.path("client_id").asText();
                assertEquals(shard, ShardAssignment.shardOf("Sim", id, 2), id);
                together.add(id);
            }
        }
        together.sort(null);
        assertEquals(IDS.stream().sorted().toList(), together);
    }

    @Test
    void unshardedCheckPrintsNoShardLine() throws Exception {
        String out = check(config(), Map.of(), false);
        assertFalse(out.contains("shard"), out);
    }

    @Test
    void theJsonApiCarriesTheShard() throws Exception {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", "A=sleeper-1,B=someone-else");
        properties.put("monitor.shard", "2");
        properties.put("monitor.total-shards", "5");
        try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
            exporter.pollNow();
            JsonNode list = new ObjectMapper().readTree(exporter.get("/api/v1/clients", null).body());
            assertEquals(2, list.at("/shard/shard").asInt());
            assertEquals(5, list.at("/shard/total_shards").asInt());
        }
    }

    private Path config() throws Exception {
        StringBuilder clients = new StringBuilder();
        for (int i = 0; i < IDS.size(); i++) {
            clients.append("  - alias: c").append(i).append("\n    client_id: \"").append(IDS.get(i)).append("\"\n");
        }
        return Files.writeString(dir.resolve("config.yaml"), """
                emqx:
                  api_key: "%s"
                  api_secret: "%s"
                  api_url: "%s/"
                  alias: Sim
                monitored_clients:
                %s""".formatted(emqx.options().apiKey(), emqx.options().apiSecret(), emqx.apiUrl(), clients));
    }

    private String check(Path config, Map<String, String> settings, boolean json) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> overrides = new HashMap<>(settings);
        overrides.put("monitor.state-file", "");
        CommandLine cli = new CommandLine(new ServeCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == CheckCommand.class ? type.cast(new CheckCommand(clock, overrides))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).setExecutionExceptionHandler(ExitCodes::handle);
        int exit = json ? cli.execute("check", "--cfg", config.toString(), "--json", "--color", "never")
                : cli.execute("check", "--cfg", config.toString(), "--color", "never");
        assertTrue(exit == ExitCodes.OK || exit == ExitCodes.NOT_ALL_CONNECTED, "exit " + exit + ": " + err);
        return out.toString();
    }
}
