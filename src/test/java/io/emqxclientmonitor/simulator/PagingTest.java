package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagingTest {

    private EmqxSimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private ApiCaller serve(Fleet fleet, EmqxVersion version) {
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start();
        return new ApiCaller(simulator);
    }

    private static Fleet fiveClients() {
        return Fleet.connected(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")), "c", 5, 2);
    }

    @Test
    void pagesByOffsetWithHasnextAndTotalCount() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_8);

        assertPage(api.clients("?limit=2&page=1"), List.of("c0", "c1"), 1, 2, true, 5);
        assertPage(api.clients("?limit=2&page=2"), List.of("c2", "c3"), 2, 2, true, 5);
        assertPage(api.clients("?limit=2&page=3"), List.of("c4"), 3, 2, false, 5);
        assertPage(api.clients("?limit=2&page=9"), List.of(), 9, 2, false, 5);
    }

    @Test
    void aFullLastPageHasNoNext() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_8);

        assertPage(api.clients("?limit=5"), List.of("c0", "c1", "c2", "c3", "c4"), 1, 5, false, 5);
    }

    @Test
    void defaultsArePageOneLimitHundredAndUnknownParamsAreIgnored() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_8);

        HttpResponse<String> response = api.clients("?_page=2&_limit=1&fields=clientid,connected&_like_clientid=zz");

        assertPage(response, List.of("c0", "c1", "c2", "c3", "c4"), 1, 100, false, 5);
        SeenRequest seen = simulator.requests().last();
        assertEquals(1, seen.page());
        assertEquals(100, seen.limit());
    }

    @Test
    void v58AcceptsLimitUpTo10000() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_8);

        assertEquals(200, api.clients("?limit=10000").statusCode());
        assertBadRequest(api.clients("?limit=10001"));
    }

    @Test
    void v54AcceptsLimitUpTo1000Only() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_4);

        assertEquals(200, api.clients("?limit=1000").statusCode());
        assertBadRequest(api.clients("?limit=10000"));
        assertEquals(10000, simulator.requests().last().limit());
    }

    @Test
    void outOfRangeOrNonIntegerPageAndLimitAreBadRequests() {
        ApiCaller api = serve(fiveClients(), EmqxVersion.V5_8);

        assertBadRequest(api.clients("?limit=0"));
        assertBadRequest(api.clients("?page=0"));
        assertBadRequest(api.clients("?page=-1"));
        assertBadRequest(api.clients("?limit=ten"));
        assertBadRequest(api.clients("?page=1.5"));
        assertEquals(0, simulator.requests().last().page());
    }

    @Test
    void rowsAreOrderedByClientIdBytesNotJavaStringOrder() {
        Fleet fleet = new Fleet(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")));
        for (String id : List.of("\uD83D\uDE00", "\uFF21", "é", "a", "Z")) {
            fleet.add(id);
        }
        ApiCaller api = serve(fleet, EmqxVersion.V5_8);

        // UTF-8: 5A < 61 < C3A9 < EFBCA1 < F09F9880; UTF-16 would put the emoji (D83D) before U+FF21.
        assertEquals(List.of("Z", "a", "é", "\uFF21", "\uD83D\uDE00"), ApiCaller.clientIds(api.clients("")));
        assertEquals(List.of("Z", "a", "é", "\uFF21", "\uD83D\uDE00"), fleet.clientIds());
    }

    @Test
    void eachPageIsAFreshSnapshotSoRowsShiftWhenClientsLeave() {
        Fleet fleet = fiveClients();
        ApiCaller api = serve(fleet, EmqxVersion.V5_8);

        assertEquals(List.of("c0", "c1"), ApiCaller.clientIds(api.clients("?limit=2&page=1")));
        fleet.remove("c0");

        assertEquals(List.of("c3", "c4"), ApiCaller.clientIds(api.clients("?limit=2&page=2")));
    }

    private static void assertPage(HttpResponse<String> response, List<String> ids, int page, int limit,
                                   boolean hasnext, int count) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(ids, ApiCaller.clientIds(response));
        JsonNode meta = ApiCaller.json(response).get("meta");
        assertEquals(page, meta.get("page").asInt());
        assertEquals(limit, meta.get("limit").asInt());
        assertEquals(hasnext, meta.get("hasnext").asBoolean());
        assertTrue(meta.get("hasnext").isBoolean());
        assertEquals(count, meta.get("count").asInt());
    }

    private static void assertBadRequest(HttpResponse<String> response) {
        assertEquals(400, response.statusCode());
        JsonNode body = ApiCaller.json(response);
        assertEquals("BAD_REQUEST", body.get("code").asText());
        assertFalse(body.get("message").asText().isEmpty());
    }
}
