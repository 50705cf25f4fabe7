package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientIdFilterTest {

    private EmqxSimulator simulator;

    @AfterEach
    void stop() {
        simulator.close();
    }

    private ApiCaller serve(EmqxVersion version, String... ids) {
        Fleet fleet = new Fleet(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")));
        for (String id : ids) {
            fleet.add(id);
        }
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start();
        return new ApiCaller(simulator);
    }

    @Test
    void v58KeepsExactlyTheRequestedIdsOred() {
        ApiCaller api = serve(EmqxVersion.V5_8, "alpha", "alphabet", "beta", "gamma");

        HttpResponse<String> response = api.clients("?clientid=gamma&clientid=alpha&clientid=nobody&clientid=alpha");

        assertEquals(List.of("alpha", "gamma"), ApiCaller.clientIds(response));
        assertEquals(2, ApiCaller.json(response).get("meta").get("count").asInt());
    }

    @Test
    void v58FilterCombinesWithPaging() {
        ApiCaller api = serve(EmqxVersion.V5_8, "a", "b", "c", "d");

        HttpResponse<String> response = api.clients("?clientid=a&clientid=c&clientid=d&limit=2&page=2");

        assertEquals(List.of("d"), ApiCaller.clientIds(response));
        assertEquals(3, ApiCaller.json(response).get("meta").get("count").asInt());
    }

    @Test
    void v54IgnoresClientIdAndReturnsEveryone() {
        ApiCaller api = serve(EmqxVersion.V5_4, "alpha", "beta", "gamma");

        HttpResponse<String> response = api.clients("?clientid=beta");

        assertEquals(List.of("alpha", "beta", "gamma"), ApiCaller.clientIds(response));
        assertEquals(List.of("beta"), simulator.requests().last().clientIdParams());
    }

    @Test
    void plusInTheQueryMeansSpaceAndPercent2BMeansPlus() {
        ApiCaller api = serve(EmqxVersion.V5_8, "a b", "a+b");

        assertEquals(List.of("a b"), ApiCaller.clientIds(api.clients("?clientid=a+b")));
        assertEquals(List.of("a b"), ApiCaller.clientIds(api.clients("?clientid=a%20b")));
        assertEquals(List.of("a+b"), ApiCaller.clientIds(api.clients("?clientid=a%2Bb")));
        assertEquals(List.of("a+b"), simulator.requests().last().clientIdParams());
    }

    @Test
    void awkwardIdsRoundTripWhenFormEncoded() {
        String awkward = "plant/line 1+&#%-ü";
        ApiCaller api = serve(EmqxVersion.V5_8, awkward, "plant/line 1", "other");

        String query = "?clientid=" + URLEncoder.encode(awkward, StandardCharsets.UTF_8);
        HttpResponse<String> response = api.clients(query);

        assertEquals(List.of(awkward), ApiCaller.clientIds(response));
        assertEquals("/api/v5/clients" + query, simulator.requests().last().rawPathAndQuery());
    }

    @Test
    void anUnencodedAmpersandSplitsTheIdLikeCowboyWould() {
        ApiCaller api = serve(EmqxVersion.V5_8, "a&b", "a");

        assertEquals(List.of("a"), ApiCaller.clientIds(api.clients("?clientid=a&b")));
    }
}
