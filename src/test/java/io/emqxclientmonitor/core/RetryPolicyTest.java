package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Redelivery: network errors and 5xx are retried up to emqx.attempts, 4xx never; every attempt is counted. */
class RetryPolicyTest {
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @BeforeEach
    void start() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.attempts", "3");
        exporter = RunningExporter.start(properties, clock);
    }

    @AfterEach
    void stop() {
        exporter.close();
        emqx.close();
    }

    private Exposition metrics() {
        return new Exposition(exporter.scrape());
    }

    @Test
    void a5xxIsRetriedAndThePollSucceedsWhenEmqxRecoversWithinTheAttempts() {
        emqx.faults().nodeDown(2);
        exporter.pollNow();
        assertEquals(3, emqx.requests().count());
        assertEquals(1, metrics().valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(3, metrics().valueOf("emqx_client_monitor_api_requests_total", "broker=\"emqx\""));
    }

    @Test
    void a5xxThatOutlastsTheAttemptsFailsThePollWithReasonHttp5xx() {
        emqx.faults().nodeDown(3);
        exporter.pollNow();
        assertEquals(3, emqx.requests().count());
        assertEquals(0, metrics().valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"http_5xx\""));
    }

    @Test
    void badCredentialsAreNotRetriedAndReportedAsAuth() {
        emqx.faults().unauthorized(1);
        exporter.pollNow();
        assertEquals(1, emqx.requests().count());
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"auth\""));
    }

    @Test
    void aMissingPermissionIsReportedAsAuthAndNotRetried() {
        emqx.faults().forbidden(1);
        exporter.pollNow();
        assertEquals(1, emqx.requests().count());
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"auth\""));
    }

    @Test
    void anHtmlPageInsteadOfJsonIsAnInvalidResponseAndNotRetried() {
        emqx.faults().garbage(1);
        exporter.pollNow();
        assertEquals(1, emqx.requests().count());
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"invalid_response\""));
    }

    @Test
    void aTruncatedBodyIsAnInvalidResponse() {
        emqx.faults().truncated(1);
        exporter.pollNow();
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"invalid_response\""));
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsATimeout() {
        exporter.close();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.timeout-seconds", "0.3");
        properties.put("emqx.attempts", "1");
        exporter = RunningExporter.start(properties, clock);
        emqx.faults().delay(java.time.Duration.ofSeconds(2), 1);
        exporter.pollNow();
        assertEquals(1, metrics().valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"timeout\""));
    }

    @Test
    void afterAFailedPollTheNextSuccessfulOneBringsUpBack() {
        emqx.faults().unauthorized(1);
        exporter.pollNow();
        exporter.pollNow();
        assertEquals(1, metrics().valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
    }
}
