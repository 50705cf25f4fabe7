package io.emqxclientmonitor.shards;

import io.emqxclientmonitor.config.ShardAssignment;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard may own none of a broker's clients (few clients, many shards). It still tells whether EMQX answers
 * (emqx_client_monitor_up is never a claim nobody checked) at the cost of one one-row request, never a full scan.
 */
class ShardWithoutClientsTest {
    private static final String ID = "qingping-DEADBEEF5678";

    @ParameterizedTest
    @EnumSource(value = EmqxVersion.class, names = {"V5_4", "V5_8"})
    void oneOneRowRequestPerPollAndUpStaysHonest(EmqxVersion version) {
        SteppedClock clock = new SteppedClock(Fleets.START);
        int notOwner = 1 - ShardAssignment.shardOf("emqx", ID, 2);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults().withVersion(version))) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "Room2=" + ID);
            properties.put("monitor.shard", Integer.toString(notOwner));
            properties.put("monitor.total-shards", "2");
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                exporter.pollNow();
                List<SeenRequest> requests = emqx.requests().all();
                assertEquals(2, requests.size(), "one request per poll: " + requests);
                requests.forEach(r -> assertEquals(1, r.limit(), r.rawPathAndQuery()));
                Exposition metrics = new Exposition(exporter.scrape());
                assertEquals(1.0, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
                assertTrue(metrics.lines().stream().noneMatch(l -> l.contains("client_id=")), "no client series");

                emqx.faults().nodeDown(Faults.FOREVER);
                exporter.pollNow();
                assertEquals(0.0, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
            }
        }
    }
}
