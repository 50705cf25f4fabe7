package io.emqxclientmonitor.events;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/emqx/events}: the body of EMQX's HTTP action for a rule on {@code $events/client_connected}
 * and {@code $events/client_disconnected}, over real HTTP to the running exporter.
 */
class EventWebhookTest {
    private static final String ROOM2 = "qingping-DEADBEEF5678";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;


    private void start(Map<String, String> extra) {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleetWith(emqx, clock, extra);
        exporter.pollNow();
    }

    private HttpResponse<String> post(String body, String authorization) {
        return post(body.getBytes(StandardCharsets.UTF_8), authorization, "");
    }

    private HttpResponse<String> post(byte[] body, String authorization, String query) {
        HttpRequest.Builder request = exporter.request("/api/v1/emqx/events" + query)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return exporter.send(request);
    }

    private static String ruleDisconnect(String clientId, long connectedAt, String reason) {
        return "{\"event\":\"client.disconnected\",\"clientid\":" + json(clientId) + ",\"reason\":\"" + reason + "\","
                + "\"connected_at\":" + connectedAt + ",\"disconnected_at\":" + (connectedAt + 60_000)
                + ",\"username\":\"undefined\",\"node\":\"emqx@127.0.0.1\",\"metadata\":{\"rule_id\":\"r\"}}";
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private ClientView view(String clientId) {
        return exporter.tracker().views().stream().filter(v -> v.clientId().equals(clientId)).findFirst().orElseThrow();
    }

    private long connectedAtOfRoom2() {
        return view(ROOM2).connectedAt().toEpochMilli();
    }

    @Test
    @DisplayName("a disconnect event ends the session at once with its reason; the same event again changes nothing; both 204 with no body")
    void disconnectEventEndsTheSessionWithItsReasonIdempotently() {
        start(Map.of("emqx.events.webhook.enabled", "true"));
        String body = ruleDisconnect(ROOM2, connectedAtOfRoom2(), "keepalive_timeout");
        HttpResponse<String> first = post(body, null);
        HttpResponse<String> again = post(body, null);
        assertEquals(204, first.statusCode());
        assertEquals(204, again.statusCode());
        assertEquals("", first.body());
        ClientView room2 = view(ROOM2);
        assertFalse(room2.connected());
        assertEquals(1, room2.disconnects());
        assertEquals("keepalive_timeout", room2.lastDisconnectReason());
    }

    @Test
    @DisplayName("with the feed on: drops by reason per client, and per broker event_feed_up, events_total, events_invalid_total, "
            + "event_missed_sessions_total; promtool accepts the exposition")
    void eventMetrics() throws Exception {
        start(Map.of("emqx.events.webhook.enabled", "true"));
        post(ruleDisconnect(ROOM2, connectedAtOfRoom2(), "keepalive_timeout"), null);
        post(ruleDisconnect("someone-else", 1_767_225_600_000L, "weird_new_reason"), null);
        post("garbage", null);
        Exposition metrics = new Exposition(exporter.scrape());
        String room2 = "alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"" + ROOM2 + "\"";
        assertEquals(1, metrics.valueOf("emqx_client_monitor_disconnects_by_reason_total", room2 + ",reason=\"keepalive_timeout\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_event_feed_up", "broker=\"emqx\""));
        assertEquals(2, metrics.valueOf("emqx_client_monitor_events_total", "broker=\"emqx\",event=\"disconnected\""));
        assertEquals(0, metrics.valueOf("emqx_client_monitor_events_total", "broker=\"emqx\",event=\"connected\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_events_invalid_total", "broker=\"emqx\""));
        assertEquals(0, metrics.valueOf("emqx_client_monitor_event_missed_sessions_total", "broker=\"emqx\""));
        emqx.fleet().client(ROOM2).connect(); // a session no event announced (the simulator here has no feed)
        exporter.pollNow();
        metrics = new Exposition(exporter.scrape());
        assertEquals(1, metrics.valueOf("emqx_client_monitor_event_missed_sessions_total", "broker=\"emqx\""));
        assertTrue(metrics.samples("emqx_client_monitor_disconnects_by_reason_total").stream().allMatch(s -> s.contains(ROOM2)),
                "only monitored clients have series");
        io.emqxclientmonitor.support.Promtool.assertClean(exporter.scrape());
    }

    @Test
    @DisplayName("with the feed off (the default) none of the event families is exported")
    void noEventFamiliesWithoutTheFeed() {
        start(Map.of());
        String text = exporter.scrape();
        assertFalse(text.contains("disconnects_by_reason"));
        assertFalse(text.contains("event_feed_up"));
        assertFalse(text.contains("emqx_client_monitor_events_total"));
    }

    @Test
    @DisplayName("the last disconnect reason is in the JSON API (client and recent events) and survives a restart from the state file")
    void lastReasonInJsonApiAndStateFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String stateFile = dir.resolve("state.json").toString();
        start(Map.of("emqx.events.webhook.enabled", "true", "monitor.state-file", stateFile));
        post(ruleDisconnect(ROOM2, connectedAtOfRoom2(), "not_authorized"), null);
        String document = exporter.get("/api/v1/clients/QingpingCO2_Room2", null).body();
        assertTrue(document.contains("\"last_disconnect_reason\":\"not_authorized\""), document);
        assertTrue(document.contains("\"event\":\"disconnect\",\"estimated\":false,\"session_seconds\":60.0,\"offline_seconds\":null,\"reason\":\"not_authorized\""), document);
        exporter.close();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.events.webhook.enabled", "true");
        properties.put("monitor.state-file", stateFile);
        exporter = RunningExporter.start(properties, clock);
        assertEquals("not_authorized", view(ROOM2).lastDisconnectReason());
        assertEquals(1, view(ROOM2).disconnectsByReason()[DisconnectReason.index("not_authorized")]);
        assertEquals("not_authorized", view(ROOM2).recentEvents().get(view(ROOM2).recentEvents().size() - 1).reason());
    }

    @Test
    @DisplayName("with a token set, a request without it or with a wrong one gets one cheap 401, no log line, and changes nothing")
    void wrongTokenIs401() {
        start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.token", "s3cret-token"));
        String body = ruleDisconnect(ROOM2, connectedAtOfRoom2(), "normal");
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 50; i++) {
                assertEquals(401, post(body, "Bearer wrong-" + i).statusCode());
            }
            assertEquals(401, post(body, null).statusCode());
            assertEquals(401, post(body, "Basic " + Base64.getEncoder().encodeToString("a:s3cret-token".getBytes())).statusCode());
            assertTrue(log.warningsAndErrors().isEmpty(), log.text());
            assertFalse(log.text().contains("s3cret-token"));
        }
        assertTrue(view(ROOM2).connected());
        assertEquals(204, post(body, "Bearer s3cret-token").statusCode());
        assertFalse(view(ROOM2).connected());
    }

    @Test
    @DisplayName("basic auth on the webhook: the right user and password pass, anything else is 401")
    void basicAuth() {
        start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.username", "emqx",
                "emqx.events.webhook.password", "pa:ss"));
        String body = ruleDisconnect(ROOM2, connectedAtOfRoom2(), "normal");
        assertEquals(401, post(body, "Basic " + Base64.getEncoder().encodeToString("emqx:wrong".getBytes())).statusCode());
        assertEquals(401, post(body, "Basic !!!notbase64").statusCode());
        assertEquals(204, post(body, "Basic " + Base64.getEncoder().encodeToString("emqx:pa:ss".getBytes())).statusCode());
    }

    @Test
    @DisplayName("without emqx.events.webhook.enabled the path is 404 and events change nothing")
    void offByDefault() {
        start(Map.of());
        assertEquals(404, post(ruleDisconnect(ROOM2, connectedAtOfRoom2(), "normal"), null).statusCode());
        assertTrue(view(ROOM2).connected());
    }

    @Test
    @DisplayName("garbage, wrong types, huge and deeply nested bodies are 400 (or 413), counted invalid, never echoed, never a state change")
    void hostileBodies() {
        start(Map.of("emqx.events.webhook.enabled", "true"));
        long at = connectedAtOfRoom2();
        String marker = "<script>reflected-marker</script>";
        String[] bodies = {
                "not json " + marker, "", "[]", "42", "null", "{\"clientid\":\"" + marker + "\"}",
                "{\"event\":\"client.disconnected\",\"clientid\":42,\"connected_at\":" + at + "}",
                "{\"event\":\"client.disconnected\",\"clientid\":\"" + ROOM2 + "\",\"connected_at\":\"yesterday\"}",
                "{\"event\":\"client.disconnected\",\"clientid\":\"" + ROOM2 + "\",\"connected_at\":" + at + ",\"reason\":{\"a\":1}}",
                "{\"event\":\"client.disconnected\",\"clientid\":\"" + ROOM2 + "\",\"connected_at\":99999999999999999}",
                "{\"event\":\"client.connected\",\"clientid\":\"" + ROOM2 + "\",\"connected_at\":-5}",
                "{\"event\":\"client.connected\",\"clientid\":\"" + ROOM2 + "\",\"connected_at\":1.5e12}",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"a\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101),
        };
        for (String body : bodies) {
            HttpResponse<String> response = post(body, null);
            assertEquals(400, response.statusCode(), body.length() > 80 ? body.substring(0, 80) : body);
            assertFalse(response.body().contains("reflected-marker"));
            assertFalse(response.headers().map().toString().contains("reflected-marker"));
        }
        HttpResponse<String> huge = post(("{\"clientid\":\"" + "x".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8), null, "");
        assertEquals(413, huge.statusCode(), "a body over camel.server.maxBodySize is refused before it is read");
        assertTrue(view(ROOM2).connected());
        assertEquals(1, view(ROOM2).connects());
        assertTrue(exporter.tracker().broker("emqx").eventFeed().invalid() >= bodies.length - 1);
    }

    @Test
    @DisplayName("ids with / + # spaces and non-ASCII come from the JSON; unmonitored ids and unknown brokers change nothing")
    void awkwardIdsUnmonitoredAndUnknownBrokers() {
        start(Map.of("emqx.events.webhook.enabled", "true"));
        long at = view(Fleets.AWKWARD_ID).connectedAt().toEpochMilli();
        assertEquals(204, post(ruleDisconnect(Fleets.AWKWARD_ID, at, "tcp_closed"), null).statusCode());
        assertFalse(view(Fleets.AWKWARD_ID).connected());
        assertEquals("tcp_closed", view(Fleets.AWKWARD_ID).lastDisconnectReason());
        assertEquals(204, post(ruleDisconnect("someone-else", at, "normal"), null).statusCode());
        assertEquals(404, post(ruleDisconnect(ROOM2, connectedAtOfRoom2(), "normal").getBytes(StandardCharsets.UTF_8),
                null, "?broker=nope").statusCode());
        assertTrue(view(ROOM2).connected());
    }

    @Test
    @DisplayName("a webhook without token or basic auth is one WARN at start naming the port and the setting; with a token none")
    void anOpenWebhookIsAWarningAtStart() {
        try (LogCapture log = LogCapture.start()) {
            start(Map.of("emqx.events.webhook.enabled", "true"));
            java.util.List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("anyone who can reach port " + exporter.port() + " can post events"), warnings.get(0));
            assertTrue(warnings.get(0).contains("set emqx.events.webhook.token"), warnings.get(0));
        }
        exporter.close();
        emqx.close();
        try (LogCapture log = LogCapture.start()) {
            start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.token", "t0ken-for-tests"));
            assertEquals(java.util.List.of(), log.warningsAndErrors());
        }
    }
}
