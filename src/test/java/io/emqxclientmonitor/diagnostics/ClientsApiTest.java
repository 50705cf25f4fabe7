package io.emqxclientmonitor.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON API on the exporter's HTTP server, through real HTTP: {@code GET /api/v1/clients} and
 * {@code GET /api/v1/clients/{alias}} for two brokers (eu, us) that both monitor a client called "Pump".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientsApiTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    /** Space, '/', '+', '%' and a non-ASCII letter: every one must survive the trip through the URL. */
    private static final String AWKWARD_ALIAS = "hall 2/pump+valve 100% ü";

    private final SteppedClock clock = new SteppedClock(T0);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    private JsonNode listBeforeFirstPoll;

    @BeforeAll
    void start() {
        Fleet fleet = new Fleet(clock);
        fleet.add("pump-eu").publish(12, 1, 10).subscriptions(2);
        fleet.add("pump-us");
        fleet.add("awkward-1");
        fleet.add("plus-1");
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.brokers", "eu,us");
        for (String broker : List.of("eu", "us")) {
            properties.put("emqx.broker." + broker + ".url", emqx.apiUrl());
            properties.put("emqx.broker." + broker + ".api.key", emqx.options().apiKey());
            properties.put("emqx.broker." + broker + ".api.secret", emqx.options().apiSecret());
        }
        properties.put("emqx.broker.eu.clients", "Pump=pump-eu," + AWKWARD_ALIAS + "=awkward-1,a+b=plus-1,Ghost=ghost-1");
        properties.put("emqx.broker.us.clients", "Pump=pump-us");
        exporter = RunningExporter.start(properties, clock);

        listBeforeFirstPoll = json(get("/api/v1/clients"));
        exporter.pollNow("eu");
        exporter.pollNow("us");
        clock.advance(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    void theListHasEveryMonitoredClientWithStateCountersDiagnosticsAndStaleness() {
        HttpResponse<String> response = get("/api/v1/clients");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));

        JsonNode list = json(response);
        assertEquals(5, list.path("clients").size());
        assertEquals(List.of("eu", "us"), texts(list.path("brokers"), "broker"));
        assertEquals(30.0, list.path("brokers").get(0).path("seconds_since_last_successful_poll").asDouble());

        JsonNode pump = list.path("clients").get(0);
        assertEquals("eu", pump.path("broker").asText());
        assertEquals("Pump", pump.path("alias").asText());
        assertEquals("pump-eu", pump.path("client_id").asText());
        assertEquals("connected", pump.path("state").asText());
        assertEquals(12, pump.path("counters").path("recv_msg").asLong());
        assertEquals(2, pump.path("emqx").path("subscriptions").asLong());
        assertEquals(1, pump.path("diagnostics").path("connects").asLong());
        assertEquals(30.0, pump.path("diagnostics").path("uptime_seconds").asDouble());
        assertEquals(T0.toString(), pump.path("staleness").path("last_successful_poll").asText());
        assertEquals(30.0, pump.path("staleness").path("seconds_since").asDouble());
        assertTrue(pump.path("recent_events").isMissingNode(), "events only in the detail");

        JsonNode ghost = list.path("clients").get(3);
        assertEquals("absent", ghost.path("state").asText());
        assertTrue(ghost.path("counters").path("recv_msg").isNull(), "never seen: unknown, not 0");
    }

    @Test
    void beforeTheFirstPollEveryClientIsListedAsUnknown() {
        assertEquals(List.of("unknown", "unknown", "unknown", "unknown", "unknown"), texts(listBeforeFirstPoll.path("clients"), "state"));
        assertTrue(listBeforeFirstPoll.path("brokers").get(0).path("last_successful_poll").isNull());
    }

    @Test
    void theListCanBeNarrowedByBrokerAndByState() {
        assertEquals(List.of("Pump"), texts(json(get("/api/v1/clients?broker=us")).path("clients"), "alias"));
        assertEquals(List.of("Ghost"), texts(json(get("/api/v1/clients?state=absent,disconnected")).path("clients"), "alias"));
        assertEquals(400, get("/api/v1/clients?state=asleep").statusCode());
    }

    @Test
    void theDetailOfAClientHasItsRecentEvents() {
        JsonNode client = json(get("/api/v1/clients/Pump?broker=eu"));
        assertEquals("pump-eu", client.path("client_id").asText());
        JsonNode events = client.path("recent_events");
        assertEquals(1, events.size());
        assertEquals("connect", events.get(0).path("event").asText());
        assertEquals(T0.toString(), events.get(0).path("at").asText());
    }

    @Test
    void anUnknownAliasIsA404WithAJsonError() {
        HttpResponse<String> response = get("/api/v1/clients/Nobody");
        assertEquals(404, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no monitored client with alias 'Nobody'", json(response).path("error").asText());
        assertEquals(404, get("/api/v1/clients/Pump?broker=asia").statusCode());
    }

    @Test
    void anAliasMonitoredOnTwoBrokersIsA409ListingThemUntilBrokerPicksOne() {
        HttpResponse<String> response = get("/api/v1/clients/Pump");
        assertEquals(409, response.statusCode());
        assertEquals(List.of("eu", "us"), values(json(response).path("brokers")));
        assertTrue(json(response).path("error").asText().contains("?broker="));

        assertEquals("pump-us", json(get("/api/v1/clients/Pump?broker=us")).path("client_id").asText());
    }

    @Test
    void aliasesArePercentDecodedExactlyOnce() {
        JsonNode awkward = json(get("/api/v1/clients/hall%202%2Fpump%2Bvalve%20100%25%20%C3%BC?broker=eu"));
        assertEquals(AWKWARD_ALIAS, awkward.path("alias").asText());
        assertEquals("awkward-1", awkward.path("client_id").asText());

        // in a path a '+' is a plus, not a space
        assertEquals("plus-1", json(get("/api/v1/clients/a+b")).path("client_id").asText());
        assertEquals("plus-1", json(get("/api/v1/clients/a%2Bb")).path("client_id").asText());
        assertEquals(404, get("/api/v1/clients/a%20b").statusCode());
        // %25 is a literal '%': decoding twice would turn "100%25" into garbage
        assertEquals(404, get("/api/v1/clients/100%2525").statusCode());
    }

    @Test
    void aQueryParameterNamedAliasDoesNotChangeWhichClientIsAnswered() {
        JsonNode client = json(get("/api/v1/clients/a+b?alias=Pump"));
        assertEquals("plus-1", client.path("client_id").asText());
    }

    private HttpResponse<String> get(String path) {
        return exporter.get(path, null);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return new ObjectMapper().readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.path(field).asText()));
        return texts;
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
