package io.emqxclientmonitor.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How connections and drops are counted from EMQX's API alone, polled every 15 s (simulated on a stepped clock):
 * a new connection is a newer {@code connected_at}, a return to connected, or the first sight of a connected client;
 * a drop is connected → {@code connected:false} (at EMQX's {@code disconnected_at}) or → absent (at the poll).
 */
class SessionCountingTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final int POLL_SECONDS = 15;

    private final SteppedClock clock = new SteppedClock(T0);
    private final Fleet fleet = new Fleet(clock);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;


    @Test
    void aFlapperReconnectingEvery7SecondsIsCountedAtEveryPollThatSeesANewerConnectedAt() {
        Script script = new Script();
        script.at(0, () -> fleet.add("flapper-1").publish(1, 0, 10));
        for (int t = 7; t <= 77; t += 7) {
            script.at(t, () -> fleet.client("flapper-1").connect().publish(1, 0, 10));
        }
        start("Flapper=flapper-1", Map.of());

        List<Double> received = new ArrayList<>();
        script.runWithPollsUntil(75, poll -> received.add(metrics().valueOf("emqx_client_monitor_messages_processed_total",
                labels("Flapper", "flapper-1") + ",direction=\"rx\"")));

        Exposition metrics = metrics();
        String flapper = labels("Flapper", "flapper-1");
        // polls at 0, 15, …, 75 each see a connected_at newer than the last: 6 connections seen, 5 of them ended
        assertEquals(6, metrics.valueOf("emqx_client_monitor_connects_total", flapper));
        assertEquals(5, metrics.valueOf("emqx_client_monitor_disconnects_total", flapper));
        assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", flapper));
        assertEquals(epoch(75), metrics.valueOf("emqx_client_monitor_last_seen_timestamp_seconds", flapper));
        // each connection ends when the next one takes the session over
        assertEquals(epoch(70), metrics.valueOf("emqx_client_monitor_last_disconnect_timestamp_seconds", flapper));
        // EMQX restarts its counters with every connection; ours keep the last value of each connection seen
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), received);
    }

    @Test
    void aSleeperWithAPersistentSessionShowsConnected0WithItsLastCountersAndHowLongItHasBeenOffline() {
        clock.set(T0.minusSeconds(60));
        fleet.add("sleeper-1").persistentSession(true).subscriptions(2).publish(7, 1, 50).deliver(3, 1, 20);
        clock.set(T0.minusSeconds(55));
        fleet.client("sleeper-1").disconnect(true);
        clock.set(T0);
        start("Sleeper=sleeper-1", Map.of());

        exporter.pollNow();
        clock.advance(Duration.ofMinutes(10));
        exporter.pollNow();

        Exposition metrics = metrics();
        String sleeper = labels("Sleeper", "sleeper-1");
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", sleeper));
        assertEquals(7, metrics.valueOf("emqx_client_monitor_messages_processed_total", sleeper + ",direction=\"rx\""));
        assertEquals(3, metrics.valueOf("emqx_client_monitor_messages_processed_total", sleeper + ",direction=\"tx\""));
        assertEquals(2, metrics.valueOf("emqx_client_monitor_subscriptions", sleeper));
        assertEquals(T0.minusSeconds(55).getEpochSecond(),
                metrics.valueOf("emqx_client_monitor_last_disconnect_timestamp_seconds", sleeper));
        // it was never seen connected: first sight of an offline session counts no connection
        assertEquals(0, metrics.valueOf("emqx_client_monitor_connects_total", sleeper));

        JsonNode client = api("/api/v1/clients/Sleeper");
        assertEquals("disconnected", client.path("state").asText());
        assertEquals(10 * 60 + 55, client.path("diagnostics").path("offline_seconds").asDouble());
        assertTrue(client.path("diagnostics").path("uptime_seconds").isNull());
    }

    /**
     * The scripted fleet of the "done when": every figure is what the script implies, including the
     * sleeper's 5-second sessions that begin and end between two polls but leave EMQX's connected_at behind.
     */
    @Test
    void forAScriptedFleetConnectsDropsAndLastSeenMatchTheScriptExactly() {
        Script script = new Script();
        clock.set(T0.minusSeconds(100));
        fleet.add("steady-1");
        clock.set(T0.minusSeconds(60));
        fleet.add("sleeper-1").persistentSession(true);
        clock.set(T0.minusSeconds(55));
        fleet.client("sleeper-1").disconnect(true);
        clock.set(T0);
        for (int wake : new int[]{3, 33, 63}) {
            script.at(wake, () -> fleet.client("sleeper-1").connect().publish(1, 1, 100));
            script.at(wake + 5, () -> fleet.client("sleeper-1").disconnect(true));
        }
        script.at(10, () -> fleet.add("ghost-1"));                        // 3 s without a session: leaves no trace
        script.at(13, () -> fleet.client("ghost-1").disconnect(false));
        script.at(40, () -> fleet.client("ghost-1").connect());           // seen at 45
        script.at(50, () -> fleet.client("ghost-1").disconnect(false));   // absent at 60
        script.at(70, () -> fleet.client("ghost-1").connect());           // seen at 75
        start("Steady=steady-1,Sleeper=sleeper-1,Ghost=ghost-1", Map.of("metrics.enable-session-histograms", "true"));

        script.runWithPollsUntil(75, poll -> { });

        Exposition metrics = metrics();
        record Expected(String alias, String id, int connects, int drops, Integer lastSeen, Integer lastDrop) {
        }
        for (Expected e : List.of(
                new Expected("Steady", "steady-1", 1, 0, 75, null),
                new Expected("Sleeper", "sleeper-1", 3, 3, null, 68),
                new Expected("Ghost", "ghost-1", 2, 1, 75, 60))) {
            String client = labels(e.alias, e.id);
            assertEquals(e.connects, metrics.valueOf("emqx_client_monitor_connects_total", client), e.alias + " connects");
            assertEquals(e.drops, metrics.valueOf("emqx_client_monitor_disconnects_total", client), e.alias + " drops");
            assertEquals(e.lastSeen == null ? null : (double) epoch(e.lastSeen),
                    metrics.value("emqx_client_monitor_last_seen_timestamp_seconds", client).orElse(null), e.alias + " last seen");
            assertEquals(e.lastDrop == null ? null : (double) epoch(e.lastDrop),
                    metrics.value("emqx_client_monitor_last_disconnect_timestamp_seconds", client).orElse(null), e.alias + " last drop");
        }

        String sleeper = labels("Sleeper", "sleeper-1");
        assertEquals(3, metrics.valueOf("emqx_client_monitor_session_duration_seconds_bucket", sleeper + ",le=\"5.0\""));
        assertEquals(15, metrics.valueOf("emqx_client_monitor_session_duration_seconds_sum", sleeper));
        // offline from -55 to 3 (58 s), then 8 → 33 and 38 → 63 (25 s each)
        assertEquals(2, metrics.valueOf("emqx_client_monitor_offline_duration_seconds_bucket", sleeper + ",le=\"30.0\""));
        assertEquals(3, metrics.valueOf("emqx_client_monitor_offline_duration_seconds_bucket", sleeper + ",le=\"60.0\""));
        assertEquals(108, metrics.valueOf("emqx_client_monitor_offline_duration_seconds_sum", sleeper));

        JsonNode sleeperEvents = api("/api/v1/clients/Sleeper").path("recent_events");
        assertEquals(6, sleeperEvents.size());
        assertEquals("connect", sleeperEvents.get(4).path("event").asText());
        assertEquals(T0.plusSeconds(63).toString(), sleeperEvents.get(4).path("at").asText());
        assertEquals(25.0, sleeperEvents.get(4).path("offline_seconds").asDouble());
        assertEquals(5.0, sleeperEvents.get(5).path("session_seconds").asDouble());
        assertTrue(!sleeperEvents.get(5).path("estimated").asBoolean(), "EMQX's disconnected_at is exact");

        JsonNode ghost = api("/api/v1/clients/Ghost").path("diagnostics");
        assertEquals(10.0, ghost.path("last_time_to_reconnect_seconds").asDouble(), "absent at the poll at 60, back at 70");
    }

    @Test
    void theHistogramsPassPromtoolsLint() throws Exception {
        assumeTrue(onPath("promtool"), "promtool is not installed");
        clock.set(T0.minusSeconds(100));
        fleet.add("sleeper-1").persistentSession(true);
        clock.set(T0.minusSeconds(90));
        fleet.client("sleeper-1").disconnect(true);
        clock.set(T0);
        start("Sleeper=sleeper-1", Map.of("metrics.enable-session-histograms", "true"));
        exporter.pollNow();
        clock.advance(Duration.ofSeconds(15));
        fleet.client("sleeper-1").connect();
        exporter.pollNow();

        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(exporter.scrape().getBytes(StandardCharsets.UTF_8));
        }
        String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
        assertEquals("", findings.trim());
        assertEquals(0, promtool.exitValue());
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    @Test
    void sessionHistogramsAreOffByDefault() {
        fleet.add("steady-1");
        start("Steady=steady-1", Map.of());
        exporter.pollNow();
        assertTrue(metrics().samples("emqx_client_monitor_session_duration_seconds_bucket").isEmpty());
        assertTrue(metrics().samples("emqx_client_monitor_offline_duration_seconds_count").isEmpty());
    }

    @Test
    void aConnectedAtOlderThanTheOneKnownIsNotANewConnection() {
        // EMQX may list an offline durable session with only connected_at = created_at: time does not go backwards
        ClientState state = new ClientState("emqx", new MonitoredClient("Durable", "durable-1"), 20);
        state.observe(row(true, T0, null), T0);
        state.observe(row(false, T0.minusSeconds(3600), T0.plusSeconds(10)), T0.plusSeconds(15));
        state.observe(row(false, T0.minusSeconds(3600), T0.plusSeconds(10)), T0.plusSeconds(30));

        ClientView view = state.view();
        assertEquals(1, view.connects());
        assertEquals(1, view.disconnects());
        assertEquals(T0, view.connectedAt());
        assertEquals(Duration.ofSeconds(10), view.longestSession());
    }

    private static ClientRecord row(boolean connected, Instant connectedAt, Instant disconnectedAt) {
        long[] counters = new long[EmqxCounter.count()];
        Arrays.fill(counters, ClientRecord.UNKNOWN);
        return new ClientRecord("durable-1", null, connected, connectedAt, connectedAt, disconnectedAt, 60, 0, 0, counters);
    }

    private void start(String clients, Map<String, String> extra) {
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", clients);
        properties.putAll(extra);
        exporter = RunningExporter.start(properties, clock);
    }

    private Exposition metrics() {
        return new Exposition(exporter.scrape());
    }

    private JsonNode api(String path) {
        try {
            return new ObjectMapper().readTree(exporter.get(path, null).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String labels(String alias, String clientId) {
        return "alias=\"" + alias + "\",broker=\"emqx\",client_id=\"" + clientId + "\"";
    }

    private static long epoch(int second) {
        return T0.plusSeconds(second).getEpochSecond();
    }

    /** Actions at whole seconds after T0; the clock steps one second at a time and a poll runs every 15 s. */
    private final class Script {
        private final Map<Integer, List<Runnable>> actions = new TreeMap<>();

        void at(int second, Runnable action) {
            actions.computeIfAbsent(second, s -> new ArrayList<>()).add(action);
        }

        void runWithPollsUntil(int lastSecond, Consumer<Integer> afterPoll) {
            for (int t = 0; t <= lastSecond; t++) {
                clock.set(T0.plusSeconds(t));
                actions.getOrDefault(t, List.of()).forEach(Runnable::run);
                if (t % POLL_SECONDS == 0) {
                    exporter.pollNow();
                    afterPoll.accept(t);
                }
            }
        }
    }
}
