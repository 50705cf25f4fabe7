package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile EMQX (or a proxy in front of one) at the level of whole pages: paging that never ends, a row with
 * a field nested thousands deep, a row that is not UTF-8. A poll always ends, with a reason and one WARN when it
 * fails; bad data in one row costs at most that row.
 */
class HostileEmqxPagesTest {
    private static final String BROKER = "broker=\"emqx\"";
    private static final String ROOM2 = "alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"";
    private static final String SLEEPER = "alias=\"Sleeper\",broker=\"emqx\",client_id=\"sleeper-1\"";

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;

    private RunningExporter start(String pollIntervalSeconds) {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("monitor.poll-interval-seconds", pollIntervalSeconds);
        exporter = RunningExporter.start(properties, clock);
        return exporter;
    }


    @Test
    @DisplayName("hasnext:true forever, with meta.count: the poll stops a few pages past what count announces, as invalid_response, with one WARN")
    void endlessPagingWithCountEndsAsInvalidResponse() {
        start("3600").pollNow();
        Exposition before = new Exposition(exporter.scrape());
        emqx.hostilePages().endlessPaging(true);
        int requestsBefore = emqx.requests().count();
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();
            exporter.pollNow();
            Exposition after = new Exposition(exporter.scrape());

            // the filtered batch matches 3 clients at limit 1000: one page announced, bounded at 2 × 1 + 1 per poll
            int requests = emqx.requests().count() - requestsBefore;
            assertTrue(requests <= 2 * 3, requests + " requests for two endless polls");
            assertEquals(2, after.valueOf("emqx_client_monitor_poll_errors_total", BROKER + ",reason=\"invalid_response\""));
            assertEquals(0, after.valueOf("emqx_client_monitor_up", BROKER));
            assertEquals(before.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER),
                    after.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER), "last success stays old");
            List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), "one WARN for the same failure twice: " + warnings);
            assertTrue(warnings.get(0).contains("hasnext") && warnings.get(0).contains("meta.count"), warnings.get(0));
        }
        emqx.hostilePages().clear();
        exporter.pollNow();
        assertEquals(1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", BROKER), "honest EMQX again");
    }

    @Test
    @DisplayName("hasnext:true forever, no meta.count: the poll ends after 3 poll intervals as timeout; meanwhile last success stays old")
    void endlessPagingWithoutCountEndsAsTimeout() throws Exception {
        start("1").pollNow();
        Exposition before = new Exposition(exporter.scrape());
        double lastSuccess = before.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER);
        emqx.hostilePages().endlessPaging(false);
        try (LogCapture log = LogCapture.start()) {
            int requestsBefore = emqx.requests().count();
            CompletableFuture<Void> poll = CompletableFuture.runAsync(exporter::pollNow);
            while (emqx.requests().count() < requestsBefore + 20 && !poll.isDone()) {
                Thread.sleep(10);
            }
            Exposition during = new Exposition(exporter.scrape());
            assertFalse(poll.isDone(), "still paging");
            assertEquals(lastSuccess, during.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER),
                    "a poll in progress never refreshes the last success");

            poll.get(60, TimeUnit.SECONDS);
            Exposition after = new Exposition(exporter.scrape());
            assertEquals(1, after.valueOf("emqx_client_monitor_poll_errors_total", BROKER + ",reason=\"timeout\""));
            assertEquals(0, after.valueOf("emqx_client_monitor_up", BROKER));
            assertEquals(lastSuccess, after.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER));
            List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("poll interval"), warnings.get(0));
        }
    }

    @Test
    @DisplayName("a 3,000-deep unknown field in one row: the poll succeeds and every other client is exact")
    void deepNestingInOneRowCostsAtMostThatRow() {
        start("3600").pollNow();
        Exposition honest = new Exposition(exporter.scrape());
        emqx.hostilePages().deepNesting(Fleets.AWKWARD_ID, 3_000);
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();
            assertOtherClientsExact(honest, new Exposition(exporter.scrape()));
            assertEquals(List.of(), log.warningsAndErrors());
        }
    }

    @Test
    @DisplayName("bytes that are not UTF-8 in one row: the poll succeeds and every other client is exact")
    void invalidUtf8InOneRowCostsAtMostThatRow() {
        start("3600").pollNow();
        Exposition honest = new Exposition(exporter.scrape());
        emqx.hostilePages().invalidUtf8(Fleets.AWKWARD_ID);
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();
            assertOtherClientsExact(honest, new Exposition(exporter.scrape()));
            assertEquals(List.of(), log.warningsAndErrors());
        }
    }

    @Test
    @DisplayName("invalid UTF-8 inside a monitored client id: that client reads as absent, the others stay exact")
    void invalidUtf8InAClientIdLosesThatClientOnly() {
        start("3600");
        emqx.hostilePages().invalidUtf8InClientId("sleeper-1");
        exporter.pollNow();
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(1, metrics.valueOf("emqx_client_monitor_up", BROKER));
        assertTrue(metrics.valueOf("emqx_client_monitor_messages_processed_total", ROOM2 + ",direction=\"rx\"") > 0);
    }

    private static void assertOtherClientsExact(Exposition honest, Exposition metrics) {
        assertEquals(1, metrics.valueOf("emqx_client_monitor_up", BROKER));
        assertEquals(0, metrics.valueOf("emqx_client_monitor_poll_errors_total", BROKER + ",reason=\"invalid_response\""));
        assertTrue(metrics.valueOf("emqx_client_monitor_last_success_timestamp_seconds", BROKER) > 0);
        for (String series : List.of(ROOM2 + ",direction=\"rx\"", SLEEPER + ",direction=\"rx\"")) {
            assertEquals(honest.valueOf("emqx_client_monitor_messages_processed_total", series),
                    metrics.valueOf("emqx_client_monitor_messages_processed_total", series), series);
            assertEquals(honest.valueOf("emqx_client_monitor_bytes_total", series),
                    metrics.valueOf("emqx_client_monitor_bytes_total", series), series);
        }
    }
}
