package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each row is a flat object shaped like EMQX's own example client. */
class ClientRowJsonTest {

    /** Every key of the client in EMQX's Swagger example (clients-list-200-swagger-example-emqx-HEAD.json). */
    private static final List<String> SWAGGER_EXAMPLE_KEYS = List.of(
            "awaiting_rel_cnt", "awaiting_rel_max", "clean_start", "clientid", "connected", "connected_at",
            "created_at", "durable", "enable_authn", "expiry_interval", "heap_size", "inflight_cnt", "inflight_max",
            "ip_address", "is_bridge", "is_persistent", "keepalive", "listener", "mailbox_len", "mountpoint",
            "mqueue_dropped", "mqueue_len", "mqueue_max", "node", "peerport", "port", "proto_name", "proto_ver",
            "recv_cnt", "recv_msg", "recv_msg.dropped", "recv_msg.dropped.await_pubrel_timeout", "recv_msg.qos0",
            "recv_msg.qos1", "recv_msg.qos2", "recv_oct", "recv_pkt", "reductions", "send_cnt", "send_msg",
            "send_msg.dropped", "send_msg.dropped.expired", "send_msg.dropped.queue_full",
            "send_msg.dropped.too_large", "send_msg.qos0", "send_msg.qos1", "send_msg.qos2", "send_oct",
            "send_pkt", "subscriptions_cnt", "subscriptions_max", "total_payload_bytes", "username");
    private static final String RFC3339_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2}";

    private final SteppedClock clock = new SteppedClock(Instant.parse("2024-01-01T04:34:56.789Z"));
    private final Fleet fleet = new Fleet(clock);
    private EmqxSimulator simulator;

    @AfterEach
    void stop() {
        simulator.close();
    }

    private JsonNode onlyRow(SimulatorOptions options) {
        simulator = new EmqxSimulator(fleet, options).start();
        JsonNode data = ApiCaller.json(new ApiCaller(simulator).clients("")).get("data");
        assertEquals(1, data.size());
        return data.get(0);
    }

    @Test
    void aConnectedRowHasEveryKeyOfTheSwaggerExampleWithLiteralDottedKeys() {
        fleet.add("01").publish(3, 1, 10).deliver(2, 0, 5);

        JsonNode row = onlyRow(SimulatorOptions.defaults());

        for (String key : SWAGGER_EXAMPLE_KEYS) {
            assertTrue(row.has(key), "missing " + key);
        }
        assertFalse(row.has("disconnected_at"));
        assertFalse(row.has("recv_msg") && row.get("recv_msg").isObject());
        assertEquals(3, row.get("recv_msg.qos1").asLong());
        assertEquals(2, row.get("send_msg.qos0").asLong());
    }

    @Test
    void fixedFieldsLookLikeADefaultEmqxNode() {
        fleet.add("01");

        JsonNode row = onlyRow(SimulatorOptions.defaults());

        assertEquals("01", row.get("clientid").asText());
        assertTrue(row.get("connected").asBoolean());
        assertTrue(row.get("username").isNull());
        assertTrue(row.get("mountpoint").isNull());
        assertEquals("infinity", row.get("subscriptions_max").asText());
        assertEquals(1000, row.get("mqueue_max").asInt());
        assertEquals("emqx@127.0.0.1", row.get("node").asText());
        assertEquals("tcp:default", row.get("listener").asText());
        assertTrue(row.get("port").isInt());
        assertTrue(row.get("ip_address").isTextual());
        assertEquals(0, row.get("expiry_interval").asInt());
        assertFalse(row.get("is_persistent").asBoolean());
        assertFalse(row.get("durable").asBoolean());
        assertFalse(row.get("is_expired").asBoolean());
    }

    @Test
    void usernameKeepaliveSubscriptionsAndInflightAreReported() {
        fleet.add("01").username("alice").keepalive(30).subscriptions(4).inflight(2);

        JsonNode row = onlyRow(SimulatorOptions.defaults());

        assertEquals("alice", row.get("username").asText());
        assertEquals(30, row.get("keepalive").asInt());
        assertEquals(4, row.get("subscriptions_cnt").asInt());
        assertEquals(2, row.get("inflight_cnt").asInt());
    }

    @Test
    void timestampsUseTheNodeOffsetAndExactlyThreeFractionDigits() {
        fleet.add("01");

        JsonNode row = onlyRow(SimulatorOptions.defaults().withNodeOffset(ZoneOffset.ofHours(8)));

        assertEquals("2024-01-01T12:34:56.789+08:00", row.get("created_at").asText());
        assertEquals("2024-01-01T12:34:56.789+08:00", row.get("connected_at").asText());
    }

    @Test
    void utcIsWrittenAsPlusZeroNotZ() {
        clock.set(Instant.parse("2024-06-30T23:59:59Z"));
        fleet.add("01");

        JsonNode row = onlyRow(SimulatorOptions.defaults().withNodeOffset(ZoneOffset.UTC));

        assertEquals("2024-06-30T23:59:59.000+00:00", row.get("connected_at").asText());
    }

    @Test
    void subMillisecondPrecisionIsDropped() {
        clock.set(Instant.parse("2024-01-01T00:00:00.123987654Z"));
        fleet.add("01");
        clock.advance(Duration.ofMinutes(1));
        fleet.client("01").disconnect(true);

        JsonNode row = onlyRow(SimulatorOptions.defaults().withNodeOffset(ZoneOffset.ofHoursMinutes(-3, -30)));

        assertEquals("2023-12-31T20:30:00.123-03:30", row.get("created_at").asText());
        assertTrue(row.get("disconnected_at").asText().matches(RFC3339_MILLIS));
    }

    @Test
    void v54RowsLackTheDurableSessionFieldsAddedIn57() {
        fleet.add("01");

        JsonNode row = onlyRow(SimulatorOptions.defaults().withVersion(EmqxVersion.V5_4));

        assertFalse(row.has("durable"));
        assertFalse(row.has("is_expired"));
        assertTrue(row.has("recv_msg.qos0"));
    }
}
