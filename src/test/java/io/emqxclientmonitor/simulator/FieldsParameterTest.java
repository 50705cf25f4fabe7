package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fields=} as EMQX 5.6+ treats it, and the byte count that measures what EMQX serializes. */
class FieldsParameterTest {

    private EmqxSimulator simulator;

    @AfterEach
    void stop() {
        simulator.close();
    }

    private ApiCaller serve(EmqxVersion version) {
        Fleet fleet = new Fleet(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")));
        fleet.add("alpha").publish(3, 1, 10);
        fleet.add("beta");
        fleet.client("beta").disconnect(true);
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start();
        return new ApiCaller(simulator);
    }

    private static List<String> keys(JsonNode row) {
        List<String> keys = new ArrayList<>();
        row.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    @DisplayName("5.8 sends only the requested fields a row has (disconnected_at only for a disconnected client)")
    void v58ProjectsRowsOnTheRequestedFields() {
        ApiCaller api = serve(EmqxVersion.V5_8);

        JsonNode data = ApiCaller.json(api.clients("?fields=clientid,connected,disconnected_at,recv_msg.qos1")).get("data");

        assertEquals(List.of("clientid", "connected", "recv_msg.qos1"), keys(data.get(0)));
        assertEquals(List.of("clientid", "connected", "disconnected_at", "recv_msg.qos1"), keys(data.get(1)));
        assertEquals(3, data.get(0).get("recv_msg.qos1").asInt());
    }

    @Test
    @DisplayName("fields=all, or no fields, sends every key, those outside the schema too")
    void allOrAbsentSendsEverything() {
        ApiCaller api = serve(EmqxVersion.V5_8);

        List<String> all = keys(ApiCaller.json(api.clients("?fields=all")).get("data").get(0));

        assertEquals(all, keys(ApiCaller.json(api.clients("")).get("data").get(0)));
        assertTrue(all.containsAll(List.of("listener", "enable_authn", "is_persistent", "peerport")), all.toString());
    }

    @Test
    @DisplayName("an unknown field, an empty name, or 'all' among names is a 400 BAD_REQUEST naming the field")
    void unknownFieldIsABadRequest() {
        ApiCaller api = serve(EmqxVersion.V5_8);

        for (String fields : List.of("clientid,colour", "clientid,,connected", "all,clientid", "listener")) {
            HttpResponse<String> response = api.clients("?fields=" + fields);
            assertEquals(400, response.statusCode(), fields);
            assertEquals("BAD_REQUEST", ApiCaller.json(response).get("code").asText(), fields);
            assertTrue(ApiCaller.json(response).get("message").asText().contains("fields"), fields);
        }
    }

    @Test
    @DisplayName("a release whose schema lacks a name refuses it (forget), the others stay accepted")
    void forgottenFieldIsRefused() {
        ApiCaller api = serve(EmqxVersion.V5_8);
        simulator.fieldSchema().forget("disconnected_at");

        assertEquals(400, api.clients("?fields=clientid,disconnected_at").statusCode());
        assertEquals(200, api.clients("?fields=clientid,connected").statusCode());
    }

    @Test
    @DisplayName("5.4 ignores fields like any parameter outside its schema: every key, even for unknown names")
    void v54IgnoresFields() {
        ApiCaller api = serve(EmqxVersion.V5_4);

        HttpResponse<String> response = api.clients("?fields=clientid,colour");

        assertEquals(200, response.statusCode());
        assertTrue(keys(ApiCaller.json(response).get("data").get(0)).contains("reductions"));
    }

    @Test
    @DisplayName("bytesServed counts the listing bytes serialized, so a projection serves fewer; clear resets it")
    void bytesServedCountsWhatWasSerialized() {
        ApiCaller api = serve(EmqxVersion.V5_8);

        int full = api.clients("").body().length();
        assertEquals(full, simulator.requests().bytesServed());
        simulator.requests().clear();
        int projected = api.clients("?fields=clientid").body().length();

        assertEquals(projected, simulator.requests().bytesServed());
        assertTrue(projected < full / 4, projected + " of " + full);
        simulator.requests().clear();
        assertEquals(0, simulator.requests().bytesServed());
    }
}
