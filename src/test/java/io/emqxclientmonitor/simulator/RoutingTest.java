package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTest {

    private EmqxSimulator simulator;
    private ApiCaller api;

    @BeforeEach
    void start() {
        simulator = new EmqxSimulator(new Fleet(Clock.systemUTC()), SimulatorOptions.defaults()).start();
        api = new ApiCaller(simulator);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void apiUrlIsTheBaseEmqxApiUrlWithoutTrailingSlash() {
        assertEquals("http://127.0.0.1:" + simulator.port() + "/api", simulator.apiUrl());
        assertTrue(simulator.port() > 0);
    }

    @Test
    void otherPathsAreAnEmpty404AndAreNotLogged() {
        for (String path : new String[] {"/api/v5/status", "/api/v5/clients/sensor-1", "/api//v5/clients", "/"}) {
            HttpResponse<String> response = api.raw("GET", path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("", response.body(), path);
        }
        assertEquals(0, simulator.requests().count());
    }

    @Test
    void anotherMethodOnTheListingIs405() {
        HttpResponse<String> response = api.raw("POST", "/api/v5/clients");

        assertEquals(405, response.statusCode());
        assertEquals("POST", simulator.requests().last().method());
    }

    @Test
    void portIsUnknownBeforeStartAndCloseIsIdempotent() {
        EmqxSimulator notStarted = new EmqxSimulator(new Fleet(Clock.systemUTC()), SimulatorOptions.defaults());
        assertThrows(IllegalStateException.class, notStarted::port);
        notStarted.close();

        simulator.close();
        simulator.close();
    }
}
