package io.emqxclientmonitor.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients watched by pattern on a small fleet, through the real routes: a hostile EMQX that ignores
 * {@code like_clientid}, the regex's say, a client that leaves, one forgotten, a restart from the state file,
 * the JSON API's {@code source}, and EMQX before 5.6 (full list).
 */
class PatternClientsTest {
    private static final String CONNECTED = "emqx_client_monitor_connected";

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final Fleet fleet = new Fleet(clock);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        if (emqx != null) {
            emqx.close();
        }
    }

    private void fleetOf(String... ids) {
        for (String id : ids) {
            fleet.add(id).publish(id.length(), 0, 10);
        }
    }

    private void start(EmqxVersion version, Map<String, String> settings) {
        if (emqx == null) {
            emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults().withVersion(version)).start();
        }
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.putAll(settings);
        exporter = RunningExporter.start(properties, clock);
    }

    private List<String> poll() {
        clock.advance(Duration.ofSeconds(15));
        exporter.pollNow();
        return new Exposition(exporter.scrape()).samples(CONNECTED);
    }

    @Test
    void anEmqxThatIgnoresLikeClientIdIsStillFilteredHereAndTheRegexHasTheLastWord() {
        fleetOf("qingping-1", "qingping-22", "qingping-x", "thermo-1", "thermo-qingping-1");
        fleet.hostileRows().ignoringLikeClientId(true);
        start(EmqxVersion.V5_8, Map.of("emqx.clients.like", "qingping-", "emqx.clients.pattern", "^qingping-(\\d+)$"));

        List<String> connected = poll();

        assertEquals(List.of(
                CONNECTED + "{alias=\"1\",broker=\"emqx\",client_id=\"qingping-1\"} 1.0",
                CONNECTED + "{alias=\"22\",broker=\"emqx\",client_id=\"qingping-22\"} 1.0"), connected,
                "thermo-1 fails the substring, qingping-x and thermo-qingping-1 only the regex; alias = group 1");
    }

    @Test
    void aRegexThatMatchesNothingWatchesNothingAndTheBrokerIsUp() {
        fleetOf("qingping-1", "qingping-2");
        start(EmqxVersion.V5_8, Map.of("emqx.clients", "One=qingping-1", "emqx.clients.pattern", "^nothing-(?<alias>.*)$"));

        Exposition metrics;
        try (io.emqxclientmonitor.support.LogCapture log = io.emqxclientmonitor.support.LogCapture.start()) {
            metrics = new Exposition(exporterScrapeAfterPoll());
            exporterScrapeAfterPoll();
            List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), "a pattern that matches nothing may be a typo: said once, " + warnings);
            assertTrue(warnings.get(0).contains("emqx.clients.pattern"), warnings.get(0));
        }

        assertEquals(1, metrics.samples(CONNECTED).size());
        assertEquals(1.0, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
        assertEquals(0.0, metrics.valueOf("emqx_client_monitor_pattern_clients", "broker=\"emqx\""));
        assertEquals(0.0, metrics.valueOf("emqx_client_monitor_pattern_clients_refused_total", "broker=\"emqx\""));
    }

    private String exporterScrapeAfterPoll() {
        poll();
        return exporter.scrape();
    }

    @Test
    void aMatchedClientThatLeavesReadsDisconnectedWithItsLastValuesThenIsForgottenAfterForgetAfter() {
        fleetOf("qingping-1", "qingping-2");
        start(EmqxVersion.V5_8, Map.of("emqx.clients.like", "qingping-", "monitor.forget-after", "2h"));
        poll();
        String rx = "emqx_client_monitor_messages_processed_total";
        double before = new Exposition(exporter.scrape()).valueOf(rx, "alias=\"qingping-2\",broker=\"emqx\",client_id=\"qingping-2\",direction=\"rx\"");

        fleet.remove("qingping-2");
        List<String> gone = poll();
        assertTrue(gone.contains(CONNECTED + "{alias=\"qingping-2\",broker=\"emqx\",client_id=\"qingping-2\"} 0.0"), gone.toString());
        assertEquals(before, new Exposition(exporter.scrape()).valueOf(rx, "alias=\"qingping-2\",broker=\"emqx\",client_id=\"qingping-2\",direction=\"rx\""),
                "last-known values, like a configured client");

        clock.advance(Duration.ofMinutes(119));
        assertEquals(2, poll().size(), "still within monitor.forget-after");
        clock.advance(Duration.ofMinutes(2));
        List<String> later = poll();
        assertEquals(List.of(CONNECTED + "{alias=\"qingping-1\",broker=\"emqx\",client_id=\"qingping-1\"} 1.0"), later,
                "forgotten after 2 h unlisted: its series are gone");
        assertFalse(exporter.scrape().contains("client_id=\"qingping-2\""));
    }

    @Test
    void aRestartKeepsRememberedClientsFromTheStateFileAndTheApiSaysWhereEachCameFrom() throws Exception {
        fleetOf("qingping-1", "qingping-2", "pump-1");
        Path state = dir.resolve("state.json");
        Map<String, String> settings = Map.of("emqx.clients", "Pump=pump-1", "emqx.clients.like", "qingping-",
                "monitor.state-file", state.toString());
        start(EmqxVersion.V5_8, settings);
        poll();
        exporter.close();
        JsonNode written = new ObjectMapper().readTree(Files.readString(state)).path("brokers").path("emqx");
        assertEquals("pattern", written.path("qingping-1").path("source").asText());
        assertTrue(written.path("pump-1").path("source").isMissingNode(), "listed clients are written as before");

        fleet.remove("qingping-1"); // gone while the exporter was down
        start(EmqxVersion.V5_8, settings);
        JsonNode beforePoll = new ObjectMapper().readTree(exporter.get("/api/v1/clients", null).body()).path("clients");
        assertEquals(3, beforePoll.size(), "remembered from the state file before any poll");
        List<String> connected = poll();
        assertTrue(connected.contains(CONNECTED + "{alias=\"qingping-1\",broker=\"emqx\",client_id=\"qingping-1\"} 0.0"),
                connected.toString());

        JsonNode clients = new ObjectMapper().readTree(exporter.get("/api/v1/clients", null).body()).path("clients");
        for (JsonNode client : clients) {
            assertEquals(client.path("client_id").asText().startsWith("qingping-") ? "pattern" : "config",
                    client.path("source").asText(), client.toString());
        }
        assertTrue(new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_messages_processed_total",
                "alias=\"qingping-1\",broker=\"emqx\",client_id=\"qingping-1\",direction=\"rx\"") > 0, "its history came back");
    }

    @Test
    void emqxBefore56ServesThePatternFromTheFullListItReadsAnyway() {
        fleetOf("qingping-1", "qingping-2", "pump-1", "other-1");
        start(EmqxVersion.V5_4, Map.of("emqx.clients", "Pump=pump-1", "emqx.clients.like", "qingping-"));
        poll();
        emqx.requests().clear();
        List<String> connected = poll();

        assertEquals(3, connected.size(), connected.toString());
        assertTrue(emqx.requests().all().stream().noneMatch(r -> r.rawPathAndQuery().contains("like_clientid")),
                "in full-list mode the list already has every match: no second scan");
    }

    @Test
    void endlessPagesOfThePatternScanEndTheSameWayAsTimeoutAndChangeNothingWatched() throws Exception {
        fleetOf("qingping-1", "qingping-2");
        start(EmqxVersion.V5_8, Map.of("emqx.clients.like", "qingping-", "monitor.poll-interval-seconds", "1"));
        List<String> before = poll();
        fleet.add("qingping-3");
        emqx.hostilePages().endlessPaging(false); // hasnext:true forever, no meta.count (as for like_* queries)

        java.util.concurrent.CompletableFuture.runAsync(exporter::pollNow).get(60, java.util.concurrent.TimeUnit.SECONDS);

        Exposition after = new Exposition(exporter.scrape());
        assertEquals(1, after.valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"timeout\""));
        assertEquals(before, after.samples(CONNECTED), "a failed scan admits nothing and keeps the last-known values");
        assertEquals(2.0, after.valueOf("emqx_client_monitor_pattern_clients", "broker=\"emqx\""));
    }

    @Test
    void aLikeWithCharactersThatNeedEncodingReachesEmqxIntact() {
        fleetOf(Fleets.AWKWARD_ID, "plant/line 1-x", "plant/line 1+&y");
        start(EmqxVersion.V5_8, Map.of("emqx.clients.like", "line 1+&"));

        List<String> connected = poll();

        assertEquals(2, connected.size(), connected.toString());
        assertTrue(emqx.requests().all().stream().anyMatch(r -> r.rawPathAndQuery().contains("like_clientid=line%201%2B%26")),
                emqx.requests().all().toString());
    }

    @Test
    void emqxBefore56WithOnlyAPatternScansWithLikeClientIdAtItsSmallerLimit() {
        fleetOf("qingping-1", "qingping-2", "pump-1");
        start(EmqxVersion.V5_4, Map.of("emqx.clients.like", "qingping-"));
        poll();
        emqx.requests().clear();

        List<String> connected = poll();

        assertEquals(2, connected.size(), connected.toString());
        assertEquals(1, emqx.requests().all().size(), "learnt: limit=1000, one page: " + emqx.requests().all());
        assertTrue(emqx.requests().all().get(0).rawPathAndQuery().contains("like_clientid=qingping-"));
        assertEquals(1000, emqx.requests().all().get(0).limit());
    }

    @Test
    void aPatternAliasThatAnotherClientHasFallsBackToTheClientIdWithOneWarning() throws Exception {
        fleetOf("a-1", "b-1", "c-2", "x-9");
        try (io.emqxclientmonitor.support.LogCapture log = io.emqxclientmonitor.support.LogCapture.start()) {
            start(EmqxVersion.V5_8, Map.of("emqx.clients", "9=x-other,2=c-2", "emqx.clients.like", "-",
                    "emqx.clients.pattern", "^.-(?<alias>\\d+)$"));
            List<String> connected = poll();
            List<String> aliases = connected.stream().map(l -> l.replaceAll(".*alias=\"([^\"]*)\".*", "$1")).sorted().toList();
            assertEquals(aliases.stream().distinct().toList(), aliases, "every alias names one client: " + connected);
            assertTrue(connected.contains(CONNECTED + "{alias=\"1\",broker=\"emqx\",client_id=\"a-1\"} 1.0")
                    || connected.contains(CONNECTED + "{alias=\"1\",broker=\"emqx\",client_id=\"b-1\"} 1.0"), connected.toString());
            assertTrue(connected.contains(CONNECTED + "{alias=\"x-9\",broker=\"emqx\",client_id=\"x-9\"} 1.0"),
                    "the explicit entry keeps alias 9: " + connected);
            assertEquals(1, log.warningsAndErrors().stream().filter(l -> l.contains("alias")).count(), log.text());
        }
        assertEquals(200, exporter.get("/api/v1/clients/1", null).statusCode(), "an alias is one client again");
    }

    @Test
    void aQuotedAliasGroupTextIsNotANamedGroup() {
        fleetOf("dev-7");
        start(EmqxVersion.V5_8, Map.of("emqx.clients.like", "dev-", "emqx.clients.pattern", "^(\\Q(?<alias>\\E)?dev-(\\d+)$"));
        List<String> connected = poll();
        assertEquals(List.of(CONNECTED + "{alias=\"dev-7\",broker=\"emqx\",client_id=\"dev-7\"} 1.0"), connected,
                "group 1 matched nothing (empty), so the alias is the client id; the poll does not fail");
    }
}
