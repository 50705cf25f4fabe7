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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The poll and scrape routes, end to end: real Camel, real HTTP to the EMQX simulator, real /metrics. */
class PollRouteTest {
    private static final String ROOM2 = "alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"";
    private static final String GHOST = "alias=\"Ghost\",broker=\"emqx\",client_id=\"ghost-1\"";
    private static final String SLEEPER = "alias=\"Sleeper\",broker=\"emqx\",client_id=\"sleeper-1\"";
    private static final String AWKWARD = "alias=\"Awkward\",broker=\"emqx\",client_id=\"" + Fleets.AWKWARD_ID + "\"";

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @BeforeEach
    void start() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        exporter = RunningExporter.start(properties, clock);
    }

    @AfterEach
    void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    void beforeTheFirstPollThereAreNoClientSeriesAndUpIsZero() {
        Exposition metrics = new Exposition(exporter.scrape());
        assertTrue(metrics.samples("emqx_client_monitor_connected").isEmpty());
        assertEquals(0, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(0, metrics.valueOf("emqx_client_monitor_last_success_timestamp_seconds", "broker=\"emqx\""));
    }

    @Test
    void aPollExportsWhatEmqxSaysAboutEachMonitoredClient() {
        exporter.pollNow();
        Exposition metrics = new Exposition(exporter.scrape());

        assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", ROOM2));
        assertEquals(40, metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\""));
        assertEquals(3, metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"tx\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_subscriptions", ROOM2));
        assertEquals(Fleets.START.plusSeconds(60).getEpochSecond(),
                metrics.valueOf("emqx_client_monitor_last_success_timestamp_seconds", "broker=\"emqx\""));
    }

    @Test
    void aSleepingClientWithAPersistentSessionIsDisconnectedWithItsLastCounters() {
        exporter.pollNow();
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", SLEEPER));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_messages_processed_total", SLEEPER + ",direction=\"rx\""));
    }

    @Test
    void aConfiguredClientEmqxDoesNotListIsDisconnectedAndHasNoOtherSeries() {
        exporter.pollNow();
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", GHOST));
        assertTrue(metrics.value("emqx_client_monitor_messages_processed_total", GHOST + ",direction=\"rx\"").isEmpty());
    }

    @Test
    void aClientIdThatNeedsUrlEncodingIsQueriedAndMatchedExactly() {
        exporter.pollNow();
        assertTrue(emqx.requests().last().clientIdParams().contains(Fleets.AWKWARD_ID),
                "EMQX decoded the clientid parameters as " + emqx.requests().last().clientIdParams());
        assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_connected", AWKWARD));
    }

    @Test
    void countersStayMonotonicWhenTheClientReconnectsAndEmqxRestartsThem() {
        exporter.pollNow();
        clock.advance(Duration.ofSeconds(15));
        emqx.fleet().client("qingping-DEADBEEF5678").disconnect(false).connect().publish(5, 0, 200);
        exporter.pollNow();

        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(45, metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\""));
    }

    @Test
    void whileTheClientIsAbsentItsCountersKeepTheirLastKnownValues() {
        exporter.pollNow();
        emqx.fleet().remove("qingping-DEADBEEF5678");
        exporter.pollNow();

        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", ROOM2));
        assertEquals(40, metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\""));
    }

    @Test
    void withEmqxDownMetricsStillAnswerUpIsZeroAndLastKnownValuesStay() {
        exporter.pollNow();
        emqx.close();
        exporter.pollNow();

        long started = System.nanoTime();
        HttpResponse<String> response = exporter.get("/metrics", null);
        double seconds = (System.nanoTime() - started) / 1e9;
        Exposition metrics = new Exposition(response.body());

        assertEquals(200, response.statusCode(), "scrape took " + seconds + " s");
        assertEquals(0, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"connect\""));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", ROOM2));
        assertEquals(40, metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\""));
    }

    @Test
    void aClientRemovedFromTheConfigurationDisappearsFromMetrics() {
        exporter.pollNow();
        var tracker = exporter.tracker();
        var broker = tracker.broker("emqx").config();
        tracker.reconfigureBroker(broker.withClients(broker.clients().stream()
                .filter(c -> !c.alias().equals("QingpingCO2_Room2")).toList()));

        Exposition metrics = new Exposition(exporter.scrape());
        assertTrue(metrics.value("emqx_client_monitor_connected", ROOM2).isEmpty());
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", GHOST));
    }

    @Test
    void anyAcceptHeaderGetsTextFormatAndOpenMetricsIsServedWhenAskedFor() {
        exporter.pollNow();
        for (String accept : new String[]{null, "*/*", "text/plain", "text/plain;version=0.0.4", "application/json",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3"}) {
            HttpResponse<String> response = exporter.get("/metrics", accept);
            assertEquals(200, response.statusCode(), "Accept: " + accept);
            assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            assertFalse(response.body().contains("# EOF"));
        }
        HttpResponse<String> openMetrics = exporter.get("/metrics",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(openMetrics.body().endsWith("# EOF\n"));
    }

    @Test
    void livenessReadinessAndTheLandingPageDoNotNeedEmqx() {
        emqx.close();
        assertEquals(200, exporter.get("/-/healthy", null).statusCode());
        assertEquals(200, exporter.get("/-/ready", null).statusCode());
        HttpResponse<String> landing = exporter.get("/", null);
        assertEquals(200, landing.statusCode());
        assertTrue(landing.body().contains("href=\"metrics\""));
    }

    @Test
    void onePollOfAFewClientsIsOneRequest() {
        exporter.pollNow();
        assertEquals(1, emqx.requests().count());
        assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_api_requests_total", "broker=\"emqx\""));
    }
}
