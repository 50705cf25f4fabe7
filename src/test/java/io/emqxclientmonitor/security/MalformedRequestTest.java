package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anyone can send a bad percent escape. Each malformed request gets a 400 and costs at most a DEBUG line: a few
 * hundred of them leave the log as it was (no stack trace, no WARN, no ERROR).
 */
class MalformedRequestTest {
    private static final List<String> MALFORMED = List.of("/metrics%zz", "/metrics?x=%zz", "/%", "/?%", "/metrics?%zz=1",
            "/api/v1/clients/%zz", "/api/v1/clients?state=%zz", "/-/ready?x=%E0%A4%A", "/metrics?x=%");

    private static final SteppedClock CLOCK = new SteppedClock(Fleets.START);
    private static EmqxSimulator emqx;
    private static RunningExporter exporter;

    @BeforeAll
    static void start() {
        emqx = Fleets.smallFleet(CLOCK, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleet(emqx, CLOCK);
    }

    @AfterAll
    static void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    @DisplayName("200 requests with bad percent escapes: each a 400, and not one log line at INFO or above")
    void badEscapesAreA400AndLeaveTheLogQuiet() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                for (String target : MALFORMED) {
                    RawHttp.Answer answer = RawHttp.get(exporter.port(), target);
                    assertEquals(400, answer.status(), target + " -> " + answer.headers() + " " + answer.bodyText());
                    assertEquals(List.of("nosniff"), answer.header("X-Content-Type-Options"), target);
                }
            }
            assertEquals(List.of(), log.lines(), "200 malformed requests logged something");
        }
    }

    @Test
    @DisplayName("other garbage (header without a colon, absolute URL with a bad escape, control bytes) is refused without a log line")
    void otherGarbageIsRefusedQuietly() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                assertEquals(400, RawHttp.get(exporter.port(), "/metrics", "Not a header line").status());
                assertEquals(400, RawHttp.get(exporter.port(), "http://127.0.0.1/metrics%zz").status());
                int status = RawHttp.get(exporter.port(), "/metrics\u0001").status();
                assertTrue(status == 400 || status == 404, "control byte: " + status);
            }
            assertEquals(List.of(), log.lines(), "garbage requests logged something");
        }
    }

    @Test
    @DisplayName("a request target that is not a path, or HTTP/1.1 without Host, is a 400 without a log line")
    void targetsThatAreNoPathAndMissingHostsAreRefusedQuietly() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                assertEquals(400, RawHttp.send(exporter.port(), "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status());
                assertEquals(400, RawHttp.send(exporter.port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status());
                assertEquals(400, RawHttp.send(exporter.port(), "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n").status());
            }
            assertEquals(List.of(), log.lines(), "malformed requests logged something");
        }
        assertEquals(200, RawHttp.send(exporter.port(), "GET /metrics HTTP/1.0\r\n\r\n").status(), "Host is optional in HTTP/1.0");
        assertEquals(200, RawHttp.get(exporter.port(), "http://127.0.0.1/metrics").status(), "absolute form");
    }

    @Test
    @DisplayName("oversized bodies on any path, declared or chunked, are refused without a log line")
    void oversizedBodiesElsewhereAreRefusedQuietly() throws Exception {
        byte[] huge = new byte[200_000];
        java.util.Arrays.fill(huge, (byte) 'x');
        try (LogCapture log = LogCapture.start()) {
            for (String path : List.of("/metrics", "/", "/api/v1/clients", "/-/ready", "/nowhere")) {
                for (String method : List.of("POST", "GET", "PUT")) {
                    for (boolean chunked : new boolean[]{false, true}) {
                        java.net.http.HttpRequest.BodyPublisher body = chunked
                                ? java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))
                                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge);
                        int status;
                        try {
                            status = exporter.send(exporter.request(path).method(method, body)).statusCode();
                        } catch (IllegalStateException closedWhileSending) {
                            status = -1; // closed before the client read an answer: refused, nothing logged (below)
                        }
                        assertTrue(status == -1 || status >= 400 && status < 500, method + " " + path + " chunked=" + chunked + ": " + status);
                    }
                }
            }
            assertEquals(List.of(), log.warningsAndErrors(), "oversized bodies logged warnings or errors");
        }
    }

    @Test
    @DisplayName("well-formed escapes still work next to the malformed ones")
    void wellFormedEscapesStillWork() throws Exception {
        assertEquals(200, RawHttp.get(exporter.port(), "/api/v1/clients?state=connected%2Cdisconnected").status());
        assertEquals(200, RawHttp.get(exporter.port(), "/api/v1/clients/Sleeper?x=%41").status());
        assertTrue(RawHttp.get(exporter.port(), "/metrics?x=%20").bodyText().contains("emqx_client_monitor_up"));
    }
}
