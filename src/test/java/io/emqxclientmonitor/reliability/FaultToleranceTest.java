package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way EMQX or the network can fail, through real HTTP and real sockets: the simulator's faults, and a
 * {@link FaultyLink} for refused connections, black holes and resets. For each: the exporter keeps running,
 * {@code /metrics} answers while the poll is stuck, the broker is {@code up 0} with the right
 * {@code poll_errors_total{reason}}, the last-known client values stay, exactly one log line tells about the
 * new failure state (none per retry or per repeated poll, no stack traces), and when EMQX recovers the next
 * poll brings {@code up 1} back by itself, with one line saying so.
 */
class FaultToleranceTest {
    private static final String ROOM2 = "alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"";
    private static final String UP = "broker=\"emqx\"";
    private static final int ATTEMPTS = 2;
    private static final int FAILED_POLLS = 2;

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final ExecutorService poller = Executors.newSingleThreadExecutor();
    private EmqxSimulator emqx;
    private FaultyLink link;
    private RunningExporter exporter;

    /**
     * @param reason          the {@code reason} label expected
     * @param retried         whether the exporter retries the request (network errors and 5xx) or not (4xx, bad answers)
     * @param messageHint     a piece of the logged explanation telling what to do
     */
    record Fault(String name, PollFailure.Reason reason, boolean retried, String messageHint,
                 Consumer<FaultToleranceTest> arm, Consumer<FaultToleranceTest> heal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fault> faults() {
        Consumer<FaultToleranceTest> clear = t -> t.emqx.faults().clear();
        Consumer<FaultToleranceTest> relink = t -> t.link.mode(FaultyLink.Mode.FORWARD);
        return Stream.of(
                new Fault("500 NODE_DOWN", PollFailure.Reason.HTTP_5XX, true, "NODE_DOWN",
                        t -> t.emqx.faults().nodeDown(FOREVER), clear),
                new Fault("500 INTERNAL_ERROR", PollFailure.Reason.HTTP_5XX, true, "INTERNAL_ERROR",
                        t -> t.emqx.faults().internalError(FOREVER), clear),
                new Fault("answer slower than the timeout", PollFailure.Reason.TIMEOUT, true, "emqx.timeout-seconds",
                        t -> t.emqx.faults().delay(Duration.ofMillis(1500), FOREVER), clear),
                new Fault("request accepted, never answered (simulator hang)", PollFailure.Reason.TIMEOUT, true, "emqx.timeout-seconds",
                        t -> t.emqx.faults().hang(FOREVER), clear),
                new Fault("200 with an HTML proxy page", PollFailure.Reason.INVALID_RESPONSE, false, "not a proxy",
                        t -> t.emqx.faults().garbage(FOREVER), clear),
                new Fault("200 with truncated JSON", PollFailure.Reason.INVALID_RESPONSE, false, "not valid JSON",
                        t -> t.emqx.faults().truncated(FOREVER), clear),
                new Fault("401 BAD_API_KEY_OR_SECRET", PollFailure.Reason.AUTH, false, "'connections' scope",
                        t -> t.emqx.faults().unauthorized(FOREVER), clear),
                new Fault("403 UNAUTHORIZED_ROLE", PollFailure.Reason.AUTH, false, "'connections' scope",
                        t -> t.emqx.faults().forbidden(FOREVER), clear),
                new Fault("200, connection dropped mid-body (simulator)", PollFailure.Reason.CONNECT, true, "connection",
                        t -> t.emqx.faults().resetMidBody(FOREVER), clear),
                new Fault("connection refused", PollFailure.Reason.CONNECT, true, "reachable",
                        t -> t.link.mode(FaultyLink.Mode.REFUSE), relink),
                new Fault("connection accepted, never answered (black hole)", PollFailure.Reason.TIMEOUT, true, "emqx.timeout-seconds",
                        t -> t.link.mode(FaultyLink.Mode.BLACK_HOLE), relink),
                new Fault("connection reset mid-body (TCP RST)", PollFailure.Reason.CONNECT, true, "connection",
                        t -> t.link.mode(FaultyLink.Mode.RESET_MID_BODY), relink));
    }

    private static final int FOREVER = io.emqxclientmonitor.simulator.Faults.FOREVER;

    @BeforeEach
    void start() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        link = new FaultyLink(emqx.port());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.url", link.apiUrl());
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.attempts", Integer.toString(ATTEMPTS));
        properties.put("emqx.timeout-seconds", "0.5");
        exporter = RunningExporter.start(properties, clock);
    }

    @AfterEach
    void stop() {
        poller.shutdownNow();
        exporter.close();
        link.close();
        emqx.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void theExporterRidesOutTheFaultAndRecoversByItself(Fault fault) throws Exception {
        exporter.pollNow();
        assertEquals(1, metrics().valueOf("emqx_client_monitor_up", UP));
        double rxBefore = metrics().valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\"");

        try (LogCapture log = LogCapture.start()) {
            fault.arm().accept(this);
            for (int poll = 1; poll <= FAILED_POLLS; poll++) {
                double requestsBefore = metrics().valueOf("emqx_client_monitor_api_requests_total", UP);
                pollWhileScraping(fault.reason() == PollFailure.Reason.TIMEOUT);

                Exposition metrics = metrics();
                assertEquals(0, metrics.valueOf("emqx_client_monitor_up", UP), fault + ": up");
                assertEquals(poll, metrics.valueOf("emqx_client_monitor_poll_errors_total",
                        UP + ",reason=\"" + fault.reason().label() + "\""), fault + ": poll_errors_total by reason");
                assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", ROOM2), fault + ": last-known connected");
                assertEquals(rxBefore, metrics.valueOf("emqx_client_monitor_messages_processed_total",
                        ROOM2 + ",direction=\"rx\""), fault + ": last-known counter");
                // one request per poll for 4xx and bad answers (no tight retry loop), every attempt otherwise
                assertEquals(fault.retried() ? ATTEMPTS : 1,
                        metrics.valueOf("emqx_client_monitor_api_requests_total", UP) - requestsBefore,
                        fault + ": requests per failed poll");
            }
            PollFailure failure = exporter.tracker().broker("emqx").health().lastFailure();
            assertTrue(failure.message().contains(fault.messageHint()), fault + ": message " + failure.message());

            List<String> noise = log.warningsAndErrors();
            assertEquals(1, noise.size(), fault + ": one log line per new failure state, got " + noise);
            assertTrue(noise.get(0).contains("poll failed (" + fault.reason().label() + ")"), noise.get(0));
            assertTrue(noise.get(0).contains(fault.messageHint()), noise.get(0));

            fault.heal().accept(this);
            exporter.pollNow();
            assertEquals(1, metrics().valueOf("emqx_client_monitor_up", UP), fault + ": back to up 1 by itself");
            assertEquals(1, log.lines(l -> l.contains("EMQX answers again")).size(), log.text());
            assertEquals(1, log.warningsAndErrors().size(), fault + ": recovering logs no warning: " + log.warningsAndErrors());
        }
    }

    /**
     * Polls on another thread, as the timer does, and scrapes meanwhile: /metrics must not wait for EMQX. When the
     * poll hangs (timeouts), a scrape must come back while the poll is still running: a causal check, not a
     * wall-clock bound.
     */
    private void pollWhileScraping(boolean pollHangs) throws Exception {
        CompletableFuture<Void> poll = CompletableFuture.runAsync(exporter::pollNow, poller);
        boolean answeredDuringPoll = false;
        do {
            HttpResponse<String> response = exporter.get("/metrics", null);
            assertEquals(200, response.statusCode());
            answeredDuringPoll |= !poll.isDone();
            Thread.sleep(50);
        } while (!poll.isDone());
        poll.get(30, TimeUnit.SECONDS);
        if (pollHangs) {
            assertTrue(answeredDuringPoll, "/metrics answered only after the hung poll ended");
        }
    }

    private Exposition metrics() {
        return new Exposition(exporter.scrape());
    }
}
