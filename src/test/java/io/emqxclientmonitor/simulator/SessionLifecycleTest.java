package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections, persistent sessions and what each does to the listing. */
class SessionLifecycleTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final Fleet fleet = new Fleet(clock);
    private EmqxSimulator simulator;
    private ApiCaller api;

    @BeforeEach
    void start() {
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withNodeOffset(ZoneOffset.UTC)).start();
        api = new ApiCaller(simulator);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private JsonNode row(String clientId) {
        JsonNode data = ApiCaller.json(api.clients("?clientid=" + clientId)).get("data");
        assertEquals(1, data.size());
        return data.get(0);
    }

    private List<String> listedIds() {
        return ApiCaller.clientIds(api.clients(""));
    }

    @Test
    void everyCounterRestartsAtZeroOnReconnect() {
        SimulatedClient c = fleet.add("flappy").publish(5, 1, 100).deliver(3, 2, 10).drop("expired", 1);
        assertEquals(5, row("flappy").get("recv_msg").asLong());

        clock.advance(Duration.ofSeconds(7));
        c.connect();

        JsonNode row = row("flappy");
        for (String key : List.of("recv_msg", "recv_msg.qos1", "recv_oct", "recv_pkt", "send_msg", "send_msg.qos2",
                "send_oct", "send_msg.dropped", "send_msg.dropped.expired")) {
            assertEquals(0, row.get(key).asLong(), key);
        }
        assertEquals("2024-01-01T00:00:07.000+00:00", row.get("connected_at").asText());
        assertEquals(2, c.connections());
    }

    @Test
    void aCleanSessionReconnectGetsANewCreatedAt() {
        SimulatedClient c = fleet.add("clean");
        clock.advance(Duration.ofSeconds(10));
        c.connect();

        assertEquals("2024-01-01T00:00:10.000+00:00", row("clean").get("created_at").asText());
    }

    @Test
    void aPersistentSessionStaysListedDisconnectedWithFrozenCounters() {
        SimulatedClient c = fleet.add("sleepy").persistentSession(true).publish(2, 0, 10);
        clock.advance(Duration.ofSeconds(30));
        c.disconnect(true);
        clock.advance(Duration.ofSeconds(30));

        JsonNode row = row("sleepy");
        assertFalse(row.get("connected").asBoolean());
        assertEquals("2024-01-01T00:00:30.000+00:00", row.get("disconnected_at").asText());
        assertEquals("2024-01-01T00:00:00.000+00:00", row.get("connected_at").asText());
        assertEquals(2, row.get("recv_msg").asLong());
        assertEquals(7200, row.get("expiry_interval").asInt());
        assertTrue(row.get("is_persistent").asBoolean());
        assertFalse(row.get("clean_start").asBoolean());
    }

    @Test
    void resumingAPersistentSessionKeepsCreatedAtButRestartsCounters() {
        SimulatedClient c = fleet.add("sleepy").persistentSession(true).publish(2, 0, 10);
        clock.advance(Duration.ofSeconds(30));
        c.disconnect(true);
        clock.advance(Duration.ofSeconds(30));
        c.connect();

        JsonNode row = row("sleepy");
        assertTrue(row.get("connected").asBoolean());
        assertFalse(row.has("disconnected_at"));
        assertEquals("2024-01-01T00:00:00.000+00:00", row.get("created_at").asText());
        assertEquals("2024-01-01T00:01:00.000+00:00", row.get("connected_at").asText());
        assertEquals(0, row.get("recv_msg").asLong());
    }

    @Test
    void disconnectingWithoutSessionRemovesTheRowUntilTheNextConnect() {
        SimulatedClient c = fleet.add("ghost");
        fleet.add("other");
        c.disconnect(false);

        assertEquals(List.of("other"), listedIds());
        assertEquals(List.of("ghost", "other"), fleet.clientIds());

        clock.advance(Duration.ofSeconds(5));
        c.connect();
        assertEquals("2024-01-01T00:00:05.000+00:00", row("ghost").get("created_at").asText());
    }

    @Test
    void removedClientsAreForgotten() {
        fleet.add("gone");
        fleet.remove("gone");

        assertEquals(List.of(), listedIds());
        assertEquals(0, fleet.size());
        assertEquals(null, fleet.client("gone"));
    }

    @Test
    void aDisconnectedPersistentSessionExpiresAfterTwoHours() {
        fleet.add("sleepy").persistentSession(true).disconnect(true);

        clock.advance(Duration.ofHours(2).minusMillis(1));
        assertEquals(List.of("sleepy"), listedIds());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(), listedIds());
        assertFalse(fleet.client("sleepy").listed());
    }

    @Test
    void takeoverShowsAStaleDisconnectedRowBeforeTheLiveOne() {
        SimulatedClient c = fleet.add("twin").publish(4, 0, 1);
        fleet.add("zz");
        clock.advance(Duration.ofMinutes(1));
        c.takeoverDuplicate(true).connect().publish(1, 0, 1);

        Listing response = new Listing(api.clients("?clientid=twin"));
        assertEquals(2, response.meta.get("count").asInt());
        JsonNode stale = response.data.get(0);
        JsonNode live = response.data.get(1);
        assertEquals("twin", stale.get("clientid").asText());
        assertEquals("twin", live.get("clientid").asText());
        assertFalse(stale.get("connected").asBoolean());
        assertTrue(live.get("connected").asBoolean());
        assertTrue(Instant.parse(stale.get("connected_at").asText())
                .isBefore(Instant.parse(live.get("connected_at").asText())));
        assertTrue(stale.has("disconnected_at"));
        assertEquals(4, stale.get("recv_msg").asLong());
        assertEquals(1, live.get("recv_msg").asLong());
        assertFalse(stale.get("node").asText().equals(live.get("node").asText()));
        assertEquals(List.of("twin", "twin", "zz"), listedIds());

        c.takeoverDuplicate(false);
        assertEquals(List.of("twin", "zz"), listedIds());
    }

    @Test
    void takeoverRowAppearsEvenWithoutReconnecting() {
        fleet.add("twin").takeoverDuplicate(true);

        JsonNode rows = ApiCaller.json(api.clients("")).get("data");
        assertEquals(2, rows.size());
        assertFalse(rows.get(0).get("connected").asBoolean());
        assertTrue(rows.get(1).get("connected").asBoolean());
        assertTrue(Instant.parse(rows.get(0).get("connected_at").asText())
                .isBefore(Instant.parse(rows.get(1).get("connected_at").asText())));
    }

    /** The parsed envelope of one listing. */
    private static final class Listing {
        final JsonNode data;
        final JsonNode meta;

        Listing(HttpResponse<String> response) {
            JsonNode body = ApiCaller.json(response);
            this.data = body.get("data");
            this.meta = body.get("meta");
        }
    }
}
