package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle and slow clients cannot hold the exporter's port: idle sockets and slow-header (slowloris) sockets are
 * closed after their timeouts, and beyond {@code monitor.web.max-connections} new connections are closed at once,
 * so /metrics answers again as soon as others close. Real loopback sockets; every loop is bounded.
 */
class ConnectionLimitsTest {
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        exporter.close();
        emqx.close();
    }

    private void start(String idle, String header, String max) {
        start(idle, header, max, Map.of());
    }

    private void start(String idle, String header, String max, Map<String, String> extra) {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("monitor.web.idle-timeout-seconds", idle);
        properties.put("monitor.web.header-timeout-seconds", header);
        properties.put("monitor.web.max-connections", max);
        properties.putAll(extra);
        exporter = RunningExporter.start(properties, clock);
        exporter.pollNow();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", exporter.port());
        sockets.add(socket);
        return socket;
    }

    @Test
    @DisplayName("a socket that never sends a request is closed after the header timeout")
    void aSilentSocketIsClosed() throws Exception {
        start("30", "1", "50");
        assertTrue(RawHttp.closedByServerWithin(connect(), 15_000), "still open 15 s after connecting");
    }

    @Test
    @DisplayName("a kept-alive connection that goes quiet after an answer is closed after the idle timeout")
    void anIdleKeptAliveConnectionIsClosed() throws Exception {
        start("1", "30", "50");
        Socket socket = connect();
        socket.getOutputStream().write("GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, RawHttp.readOne(socket.getInputStream()).status());
        assertTrue(RawHttp.closedByServerWithin(socket, 15_000), "still open 15 s after its answer");
    }

    @Test
    @DisplayName("a slowloris client that trickles header bytes faster than the idle timeout is closed after the header timeout")
    void aSlowHeaderSocketIsClosed() throws Exception {
        start("30", "1", "50");
        Socket socket = connect();
        socket.setSoTimeout(200);
        OutputStream out = socket.getOutputStream();
        out.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        boolean closed = false;
        for (int i = 0; i < 75 && !closed; i++) { // 75 x 200 ms: at most 15 s, one byte each time
            try {
                out.write('a');
                out.flush();
                closed = socket.getInputStream().read() < 0;
            } catch (java.net.SocketTimeoutException stillOpen) {
                // next byte
            } catch (IOException reset) {
                closed = true;
            }
        }
        assertTrue(closed, "a slow-header socket was still open after 15 s of one byte every 200 ms");
    }

    @Test
    @DisplayName("a slow-body client (complete headers, then a body byte now and then) is closed after the header timeout")
    void aSlowBodySocketIsClosed() throws Exception {
        start("30", "1", "50", Map.of("emqx.events.webhook.enabled", "true"));
        Socket socket = connect();
        socket.setSoTimeout(200);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/v1/emqx/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        assertTrue(trickledUntilClosed(socket, out), "a slow-body socket was still open after 15 s of one byte every 200 ms");
    }

    /** One byte every 200 ms for at most 15 s: whether the server closed the socket meanwhile. */
    private static boolean trickledUntilClosed(Socket socket, OutputStream out) {
        for (int i = 0; i < 75; i++) {
            try {
                out.write(' ');
                out.flush();
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                // next byte
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("with every connection held by silent or slow-body clients, a scrape closes the one waited on longest and is answered")
    void slowClientsHoldingEveryConnectionDoNotKeepAScrapeOut() throws Exception {
        start("60", "60", "4", Map.of("emqx.events.webhook.enabled", "true"));
        Socket first = connect();
        Thread.sleep(100); // the oldest, so the one to go
        for (int i = 0; i < 2; i++) {
            connect();
        }
        Socket slowBody = connect();
        slowBody.getOutputStream().write(("POST /api/v1/emqx/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(200); // let the server register them
        for (int scrape = 0; scrape < 4; scrape++) { // each scrape evicts the longest waiting; a new one refills the limit
            if (scrape > 0) {
                connect();
                Thread.sleep(100);
            }
            RawHttp.Answer answer = RawHttp.get(exporter.port(), "/metrics");
            assertEquals(200, answer.status(), "scrape " + scrape);
            assertTrue(answer.bodyText().contains("emqx_client_monitor_up"));
        }
        assertTrue(RawHttp.closedByServerWithin(first, 5_000), "the connection waited on longest stayed open");
        assertTrue(RawHttp.closedByServerWithin(slowBody, 5_000), "the slow-body connection, the oldest left, outlived the fourth scrape");
    }
}
