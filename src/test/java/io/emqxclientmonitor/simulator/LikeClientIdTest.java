package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code like_clientid} as EMQX 5.x runs it ({@code binary:match} in {@code run_fuzzy_filter1}): a substring, not a
 * prefix, a glob or a regex; case-sensitive; no {@code meta.count}; dropped next to an exact {@code clientid} filter.
 */
class LikeClientIdTest {
    private EmqxSimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private ApiCaller serve(EmqxVersion version) {
        Fleet fleet = new Fleet(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")));
        for (String id : List.of("qingping-1", "qingping-2", "old-qingping-3", "Qingping-4", "q.ngping-5", "plant/é-qingping-6")) {
            fleet.add(id).connect();
        }
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start();
        return new ApiCaller(simulator);
    }

    @ParameterizedTest
    @EnumSource(EmqxVersion.class)
    void aSubstringAnywhereCaseSensitiveNotARegex(EmqxVersion version) {
        ApiCaller api = serve(version);

        HttpResponse<String> page = api.clients("?like_clientid=qingping-");
        assertEquals(List.of("old-qingping-3", "plant/é-qingping-6", "qingping-1", "qingping-2"), ApiCaller.clientIds(page));
        assertFalse(ApiCaller.json(page).get("meta").has("count"), "EMQX sends no count for like_* queries");
        assertEquals(List.of(), ApiCaller.clientIds(api.clients("?like_clientid=q.ngping")).stream()
                .filter(id -> !id.equals("q.ngping-5")).toList(), "a dot is a dot");
        assertEquals(List.of("plant/é-qingping-6"), ApiCaller.clientIds(api.clients("?like_clientid=%C3%A9-")));
    }

    @ParameterizedTest
    @EnumSource(EmqxVersion.class)
    void pagesOverTheMatchesOnly(EmqxVersion version) {
        ApiCaller api = serve(version);

        HttpResponse<String> first = api.clients("?like_clientid=qingping-&limit=3&page=1");
        assertEquals(3, ApiCaller.clientIds(first).size());
        assertTrue(ApiCaller.json(first).get("meta").get("hasnext").asBoolean());
        assertEquals(List.of("qingping-2"), ApiCaller.clientIds(api.clients("?like_clientid=qingping-&limit=3&page=2")));
    }

    @ParameterizedTest
    @EnumSource(EmqxVersion.class)
    void droppedNextToAnExactClientIdFilterWhereThatFilterExists(EmqxVersion version) {
        ApiCaller api = serve(version);

        List<String> ids = ApiCaller.clientIds(api.clients("?clientid=Qingping-4&like_clientid=qingping-"));
        if (version.supportsClientIdFilter()) {
            assertEquals(List.of("Qingping-4"), ids, "5.6+: the exact filter wins, like_clientid is ignored");
        } else {
            assertEquals(List.of("old-qingping-3", "plant/é-qingping-6", "qingping-1", "qingping-2"), ids,
                    "before 5.6 clientid= is dropped, like_clientid still filters");
        }
    }

    @ParameterizedTest
    @EnumSource(EmqxVersion.class)
    void aHostileProxyThatDropsItListsEveryone(EmqxVersion version) {
        ApiCaller api = serve(version);
        simulator.fleet().hostileRows().ignoringLikeClientId(true);

        assertEquals(6, ApiCaller.clientIds(api.clients("?like_clientid=qingping-")).size());
    }
}
