package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cowboy refuses request lines ("GET <target> HTTP/1.1") longer than 8000 bytes with an empty 414. */
class RequestLineLimitTest {

    private static final String REQUEST_LINE_OVERHEAD = "GET " + " HTTP/1.1";

    private EmqxSimulator simulator;
    private ApiCaller api;

    @BeforeEach
    void start() {
        Fleet fleet = new Fleet(Clock.systemUTC());
        fleet.add("x");
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        api = new ApiCaller(simulator);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void exactly8000BytesIsStillServed() {
        HttpResponse<String> response = api.clients(queryForRequestLineOf(8000));

        assertEquals(200, response.statusCode());
        assertEquals(8000, simulator.requests().last().requestLineLength());
    }

    @Test
    void oneByteMoreIsAnEmpty414ThatIsStillLogged() {
        HttpResponse<String> response = api.clients(queryForRequestLineOf(8001));

        assertEquals(414, response.statusCode());
        assertEquals("", response.body());
        SeenRequest seen = simulator.requests().last();
        assertEquals(414, seen.status());
        assertEquals(8001, seen.requestLineLength());
        assertEquals(8001, REQUEST_LINE_OVERHEAD.length() + seen.rawPathAndQuery().length());
    }

    @Test
    void manyClientIdsOnOneLineHitTheLimitBeforeAuthOrFaults() {
        simulator.faults().nodeDown(1);
        StringBuilder query = new StringBuilder("?limit=10000");
        for (int i = 0; i < 400; i++) {
            query.append("&clientid=device-").append(String.format("%06d", i));
        }

        assertEquals(414, api.clientsWithoutAuth(query.toString()).statusCode());
        assertEquals(400, simulator.requests().last().clientIdParams().size());
        assertEquals(500, api.clients("").statusCode());
    }

    /** A query that makes "GET /api/v5/clients?... HTTP/1.1" exactly {@code length} bytes long. */
    private static String queryForRequestLineOf(int length) {
        String prefix = "?clientid=";
        int fixed = REQUEST_LINE_OVERHEAD.length() + ClientsHandler.CLIENTS_PATH.length() + prefix.length();
        return prefix + "a".repeat(length - fixed);
    }
}
