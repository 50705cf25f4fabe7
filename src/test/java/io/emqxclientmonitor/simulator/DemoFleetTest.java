package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoFleetTest {

    /** A whole minute: the sleeper's cycle starts now, the ghost's and the takeover's too. */
    private final SteppedClock clock = new SteppedClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final DemoFleet demo = new DemoFleet(clock);
    private final Fleet fleet = demo.fleet();

    private void runSeconds(int seconds) {
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            demo.tick();
        }
    }

    private SimulatedClient device(String alias) {
        String clientId = DemoFleet.devices().stream().filter(d -> d.alias().equals(alias)).findFirst()
                .orElseThrow().clientId();
        return fleet.client(clientId);
    }

    @Test
    void monitoredDevicesHaveSimpleAliasesAndOneIsNeverInEmqx() {
        List<String> aliases = DemoFleet.devices().stream().map(DemoDevice::alias).toList();

        assertEquals(List.of("steady-1", "steady-2", "flapper", "sleeper", "ghost", "takeover", "awkward",
                "never-seen"), aliases);
        assertNull(device("never-seen"));
        assertEquals("plant/line 1+&#%-ü", device("awkward").clientId());
        for (String id : DemoFleet.unmonitoredClientIds()) {
            assertTrue(fleet.client(id).connected(), id);
        }
    }

    @Test
    void steadySensorsPublishEveryTick() {
        runSeconds(3);

        assertTrue(device("steady-1").connected());
        assertEquals(3, device("steady-1").counter("recv_msg.qos1"));
        assertEquals(1, device("steady-1").connections());
    }

    @Test
    void theFlapperReconnectsEverySevenSecondsSoItsCountersRestart() {
        runSeconds(6);
        assertEquals(1, device("flapper").connections());
        assertEquals(6, device("flapper").counter("recv_msg"));

        runSeconds(1);
        assertEquals(2, device("flapper").connections());
        assertEquals(1, device("flapper").counter("recv_msg"));
    }

    @Test
    void theSleeperWakesBrieflyEachMinuteAndOtherwiseKeepsAPersistentSession() {
        SimulatedClient sleeper = device("sleeper");
        Instant createdAt = sleeper.createdAt();
        assertTrue(sleeper.connected());

        runSeconds(5);
        assertFalse(sleeper.connected());
        assertTrue(sleeper.listed());
        assertEquals(1, sleeper.counter("recv_msg"));

        runSeconds(55);
        assertTrue(sleeper.connected());
        assertEquals(createdAt, sleeper.createdAt());
        assertEquals(1, sleeper.counter("recv_msg"));
    }

    @Test
    void theGhostIsAbsentMostOfTheTime() {
        assertTrue(device("ghost").listed());

        runSeconds(3);
        assertFalse(device("ghost").listed());

        runSeconds(42);
        assertTrue(device("ghost").connected());
    }

    @Test
    void theTakeoverDeviceIsListedTwiceForTenSecondsOfEveryThirty() {
        runSeconds(19);
        assertFalse(device("takeover").showsTakeoverDuplicate());

        runSeconds(1);
        assertTrue(device("takeover").showsTakeoverDuplicate());
        assertEquals(2, fleet.snapshot().stream().filter(r -> r.clientId().equals(DemoFleet.TAKEOVER)).count());

        runSeconds(10);
        assertFalse(device("takeover").showsTakeoverDuplicate());
    }

    @Test
    void theStaticFormTicksAFleetFromCreate() {
        Fleet created = DemoFleet.create(clock);
        clock.advance(Duration.ofSeconds(1));

        DemoFleet.tick(created);

        assertEquals(1, created.client(DemoFleet.STEADY_1).counter("recv_msg"));
    }

    @Test
    void theDemoFleetCanBeServedAndQueriedByAwkwardId() {
        runSeconds(2);
        try (EmqxSimulator simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            ApiCaller api = new ApiCaller(simulator);

            String awkward = URLEncoder.encode(DemoFleet.AWKWARD, StandardCharsets.UTF_8);
            String neverSeen = URLEncoder.encode(DemoFleet.NEVER_SEEN, StandardCharsets.UTF_8);
            assertEquals(List.of(DemoFleet.AWKWARD),
                    ApiCaller.clientIds(api.clients("?clientid=" + awkward + "&clientid=" + neverSeen)));
        }
    }
}
