package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile client on the webhook ({@code POST /api/v1/emqx/events}): forms, multipart, oversized and chunked
 * bodies, unknown brokers, a body that never comes. Each gets a plain status, never a 500, and the log stays free
 * of WARN, ERROR and stack traces; what needs no body is answered before the body is read.
 */
class WebhookAbuseTest {
    private static final String TOKEN = "webhook-token-for-tests";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;

    private void start(Map<String, String> extra) {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleetWith(emqx, clock, extra);
    }

    private int post(String query, String contentType, HttpRequest.BodyPublisher body, String authorization) {
        HttpRequest.Builder request = exporter.request("/api/v1/emqx/events" + query).header("Content-Type", contentType)
                .POST(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return exporter.send(request).statusCode();
    }

    private static HttpRequest.BodyPublisher text(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    /** Sent chunked: the length is not known before the body is read. */
    private static HttpRequest.BodyPublisher chunked(byte[] body) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    }

    private static final String MULTIPART = "multipart/form-data; boundary=xyz";
    private static final String MULTIPART_BODY = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n";

    private void formsAreRefusedQuietly(String bearer, int expected) {
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(expected, post("", "application/x-www-form-urlencoded", text("a=b"), bearer), "form");
                assertEquals(expected, post("", MULTIPART, text(MULTIPART_BODY), bearer), "multipart");
                assertEquals(expected, post("", "application/x-www-form-urlencoded", text("a=" + "b".repeat(200_000)), bearer),
                        "a large form");
            }
            assertEquals(List.of(), log.warningsAndErrors(), "form bodies logged warnings or errors");
        }
    }

    @Test
    @DisplayName("form and multipart bodies: 415 with a webhook, 404 without one, never a 500 or an ERROR line")
    void formBodiesAreRefusedWithoutAnErrorLine() {
        start(Map.of("emqx.events.webhook.enabled", "true"));
        formsAreRefusedQuietly(null, 415);
        assertEquals(204, post("", "application/json", text("{\"event\":\"client.disconnected\",\"clientid\":\"someone-else\","
                + "\"reason\":\"normal\",\"connected_at\":" + clock.millis() + ",\"disconnected_at\":" + clock.millis() + ",\"node\":\"emqx@127.0.0.1\"}"), null), "JSON still works");
        assertEquals(400, post("", "text/plain", text("a=b"), null), "any other content type is read as bytes");
    }

    @Test
    @DisplayName("form bodies with no feed configured: 404, no ERROR line")
    void formBodiesWithoutAFeedAreA404() {
        start(Map.of());
        formsAreRefusedQuietly(null, 404);
    }

    @Test
    @DisplayName("oversized bodies, declared or chunked: 401 without credentials, 413 with them, no ERROR line")
    void oversizedBodiesAreRefusedWithoutAnErrorLine() {
        start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.token", TOKEN));
        byte[] huge = ("{\"clientid\":\"" + "x".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(401, post("", "application/json", HttpRequest.BodyPublishers.ofByteArray(huge), null));
                assertEquals(401, post("", "application/json", chunked(huge), null));
                assertEquals(413, post("", "application/json", HttpRequest.BodyPublishers.ofByteArray(huge), "Bearer " + TOKEN));
                assertEquals(413, post("", "application/json", chunked(huge), "Bearer " + TOKEN));
            }
            assertEquals(List.of(), log.warningsAndErrors(), "oversized bodies logged warnings or errors");
        }
    }

    @Test
    @DisplayName("an unknown broker is a 401 when any webhook needs auth (no alias enumeration), a 404 when none does")
    void unknownBrokersDoNotRevealAliases() {
        Map<String, String> properties = new HashMap<>();
        properties.put("emqx.events.webhook.enabled", "true");
        properties.put("emqx.events.webhook.token", TOKEN);
        start(properties);
        assertEquals(401, post("?broker=nope", "application/json", text("{}"), null));
        assertEquals(401, post("?broker=emqx", "application/json", text("{}"), null), "a known one answers the same");
        assertEquals(400, post("?broker=emqx", "application/json", text("{}"), "Bearer " + TOKEN));
    }

    @Test
    @DisplayName("a request without credentials is answered 401 before its body is sent; its connection is closed when no body follows")
    void authIsCheckedBeforeTheBody() throws Exception {
        start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.token", TOKEN,
                "monitor.web.header-timeout-seconds", "2"));
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(10_000); // no body byte is ever sent: any answer came before the body
            socket.getOutputStream().write(("POST /api/v1/emqx/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            RawHttp.Answer answer = RawHttp.readOne(in);
            assertEquals(401, answer.status());
            assertTrue(RawHttp.closedByServerWithin(socket, 15_000), "the connection stayed open with 60000 bytes unread");
        }
    }

    @Test
    @DisplayName("Expect: 100-continue gets its 100 only with valid credentials; without them a 401 and no invitation to send the body")
    void continueOnlyAfterAuth() throws Exception {
        start(Map.of("emqx.events.webhook.enabled", "true", "emqx.events.webhook.token", TOKEN));
        String head = "POST /api/v1/emqx/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: 2\r\n";
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(401, RawHttp.readOne(socket.getInputStream()).status());
        }
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((head + "Authorization: Bearer " + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals(100, interimStatus(in));
            socket.getOutputStream().write("{}".getBytes(StandardCharsets.US_ASCII));
            assertEquals(400, RawHttp.readOne(in).status(), "{} is not an event");
        }
    }

    /** The status of an interim (1xx) answer, which has headers only. */
    private static int interimStatus(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.IOException("closed before the interim answer ended: " + head);
            }
            head.append((char) b);
        }
        return Integer.parseInt(head.toString().split(" ")[1]);
    }
}
