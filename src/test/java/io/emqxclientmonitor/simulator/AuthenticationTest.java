package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuthenticationTest {

    private EmqxSimulator simulator;
    private ApiCaller api;

    @BeforeEach
    void start() {
        Fleet fleet = new Fleet(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")));
        fleet.add("sensor-1");
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults().withCredentials("key-a", "secret-a")).start();
        api = new ApiCaller(simulator);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void theRightKeyAndSecretAsBasicAuthGetTheListing() {
        HttpResponse<String> response = api.clientsWithAuthorization("", ApiCaller.basic("key-a", "secret-a"));

        assertEquals(200, response.statusCode());
        assertEquals(1, ApiCaller.json(response).get("meta").get("count").asInt());
    }

    @Test
    void aMissingAuthorizationHeaderIsA401AuthorizationHeaderError() {
        HttpResponse<String> response = api.clientsWithoutAuth("");

        assertEquals(401, response.statusCode());
        assertEquals("{\"code\":\"AUTHORIZATION_HEADER_ERROR\",\"message\":\"Support authorization: basic/bearer \"}",
                response.body());
        assertEquals("Basic Realm=\"emqx-dashboard\"", response.headers().firstValue("www-authenticate").orElseThrow());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void aWrongSecretIsA401BadApiKeyOrSecret() {
        assertBadKeyOrSecret(api.clientsWithAuthorization("", ApiCaller.basic("key-a", "wrong")));
    }

    @Test
    void anUnknownKeyGetsTheSameAnswerAsAWrongSecret() {
        assertBadKeyOrSecret(api.clientsWithAuthorization("", ApiCaller.basic("sim-key", "secret-a")));
    }

    @Test
    void aBearerTokenOrGarbledHeaderIsRejectedToo() {
        assertBadKeyOrSecret(api.clientsWithAuthorization("", "Bearer abc.def.ghi"));
        assertBadKeyOrSecret(api.clientsWithAuthorization("", "Basic %%%not-base64"));
    }

    @Test
    void rejectedRequestsAreLoggedWithTheirStatus() {
        api.clientsWithoutAuth("?page=2");

        assertEquals(401, simulator.requests().last().status());
        assertEquals(2, simulator.requests().last().page());
    }

    private static void assertBadKeyOrSecret(HttpResponse<String> response) {
        assertEquals(401, response.statusCode());
        assertEquals("{\"code\":\"BAD_API_KEY_OR_SECRET\",\"message\":\"Check api_key/api_secret\"}", response.body());
        assertEquals("Basic Realm=\"emqx-dashboard\"", response.headers().firstValue("www-authenticate").orElseThrow());
    }
}
