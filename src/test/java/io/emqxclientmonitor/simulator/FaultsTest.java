package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultsTest {

    private EmqxSimulator simulator;
    private ApiCaller api;

    @BeforeEach
    void start() {
        Fleet fleet = Fleet.connected(new SteppedClock(Instant.parse("2024-01-01T00:00:00Z")), "device-", 20, 12);
        simulator = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        api = new ApiCaller(simulator);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void nodeDownIsA500ForTheNextNRequestsThenNormalService() {
        simulator.faults().nodeDown(2);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = api.clients("");
            assertEquals(500, response.statusCode());
            assertEquals("NODE_DOWN", ApiCaller.json(response).get("code").asText());
            assertTrue(ApiCaller.json(response).get("message").asText().startsWith("bad rpc call"));
        }
        assertEquals(200, api.clients("").statusCode());
    }

    @Test
    void internalErrorIsA500InternalError() {
        simulator.faults().internalError(1);

        HttpResponse<String> response = api.clients("");

        assertEquals(500, response.statusCode());
        assertEquals("INTERNAL_ERROR", ApiCaller.json(response).get("code").asText());
        assertEquals(500, simulator.requests().last().status());
    }

    @Test
    void serverFaultsComeBeforeAuthentication() {
        simulator.faults().nodeDown(1);

        assertEquals(500, api.clientsWithoutAuth("").statusCode());
        assertEquals(401, api.clientsWithoutAuth("").statusCode());
    }

    @Test
    void unauthorizedIgnoresGoodCredentials() {
        simulator.faults().unauthorized(1);

        HttpResponse<String> response = api.clients("");

        assertEquals(401, response.statusCode());
        assertEquals("{\"code\":\"BAD_API_KEY_OR_SECRET\",\"message\":\"Check api_key/api_secret\"}", response.body());
        assertEquals(200, api.clients("").statusCode());
    }

    @Test
    void forbiddenIsA403UnauthorizedRole() {
        simulator.faults().forbidden(1);

        HttpResponse<String> response = api.clients("");

        assertEquals(403, response.statusCode());
        assertEquals("UNAUTHORIZED_ROLE", ApiCaller.json(response).get("code").asText());
    }

    @Test
    void delayWaitsThenAnswersNormally() {
        simulator.faults().delay(Duration.ofMillis(300), 1);

        long started = System.nanoTime();
        HttpResponse<String> response = api.clients("?limit=5");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(200, response.statusCode());
        assertEquals(5, ApiCaller.json(response).get("data").size());
        assertTrue(elapsedMillis >= 300, "answered after " + elapsedMillis + " ms");
    }

    @Test
    void aDelayCombinesWithAnotherFault() {
        simulator.faults().delay(Duration.ofMillis(200), 1).nodeDown(1);

        long started = System.nanoTime();
        assertEquals(500, api.clients("").statusCode());
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void oneFaultAppliesPerRequestInAFixedOrder() {
        simulator.faults().forbidden(1).nodeDown(1);

        assertEquals(500, api.clients("").statusCode());
        assertEquals(403, api.clients("").statusCode());
        assertEquals(200, api.clients("").statusCode());
    }

    @Test
    void foreverLastsUntilCleared() {
        simulator.faults().internalError(Faults.FOREVER);

        for (int i = 0; i < 5; i++) {
            assertEquals(500, api.clients("").statusCode());
        }
        simulator.faults().clear();
        assertEquals(200, api.clients("").statusCode());
    }

    @Test
    void hangNeverAnswersAndDoesNotBlockOtherRequests() throws Exception {
        simulator.faults().hang(1);

        assertThrows(HttpTimeoutException.class, () -> api.clientsWithTimeout("", Duration.ofMillis(300)));
        assertEquals(0, simulator.requests().last().status());
        assertEquals(200, api.clientsWithTimeout("", Duration.ofSeconds(2)).statusCode());
    }

    @Test
    void clearReleasesAHungRequestByDroppingItsConnectionUnanswered() throws Exception {
        simulator.faults().hang(Faults.FOREVER);
        // A raw socket, because java.net.http would silently retry a GET whose connection drops.
        try (Socket socket = new Socket("127.0.0.1", simulator.port())) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(("GET /api/v5/clients HTTP/1.1\r\nHost: sim\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            awaitRequests(1);

            simulator.faults().clear();

            assertEquals(-1, socket.getInputStream().read());
        }
        assertEquals(200, api.clients("").statusCode());
    }

    @Test
    void closeDoesNotWaitForHungRequests() throws Exception {
        simulator.faults().hang(Faults.FOREVER);
        CompletableFuture.runAsync(() -> api.clients(""));
        awaitRequests(1);

        long started = System.nanoTime();
        simulator.close();

        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void garbageIsA200WithAnHtmlPage() {
        simulator.faults().garbage(1);

        HttpResponse<String> response = api.clients("");

        assertEquals(200, response.statusCode());
        assertEquals("text/html", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.body().startsWith("<html>"));
        assertThrows(JsonProcessingException.class, () -> ApiCaller.JSON.readTree(response.body()));
    }

    @Test
    void truncatedIsA200WithTheFirstHalfOfTheListingAndAnHonestContentLength() throws Exception {
        byte[] whole = api.clientsBytes("").body();
        simulator.faults().truncated(1);

        HttpResponse<byte[]> response = api.clientsBytes("");

        assertEquals(200, response.statusCode());
        byte[] body = response.body();
        assertEquals(String.valueOf(body.length), response.headers().firstValue("content-length").orElseThrow());
        assertArrayEquals(Arrays.copyOf(whole, whole.length / 2), body);
        assertThrows(JsonProcessingException.class,
                () -> ApiCaller.JSON.readTree(new String(body, StandardCharsets.UTF_8)));
    }

    @Test
    void resetMidBodyAbortsTheResponseHalfway() {
        simulator.faults().resetMidBody(1);

        assertThrows(IOException.class, () -> api.clientsBytes(""));
        assertEquals(200, simulator.requests().last().status());
        assertEquals(200, api.clients("").statusCode());
    }

    private void awaitRequests(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (simulator.requests().count() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, simulator.requests().count());
    }
}
