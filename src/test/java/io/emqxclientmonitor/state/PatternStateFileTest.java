package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ClientPattern;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.EmqxCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the state file remembers of clients watched by pattern, and files of the version before patterns. */
class PatternStateFileTest {
    @TempDir
    Path dir;
    private final PollDriver.MutableClock clock = new PollDriver.MutableClock(PollDriver.T0.plus(Duration.ofDays(10)));
    private final long now = clock.instant().toEpochMilli();

    private ClientTracker tracker(int maxClients) {
        ClientPattern pattern = new ClientPattern("m-", Pattern.compile("^m-(?<alias>\\d+)$"), maxClients, Duration.ofDays(3));
        BrokerConfig broker = new BrokerConfig("default", "emqx", URI.create("http://127.0.0.1:1/api"), "k", "s",
                Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, List.of(new MonitoredClient("Pump", "pump-1")),
                null, pattern);
        return new ClientTracker(new MonitorConfig(List.of(broker), Duration.ofSeconds(15), MetricFlags.ALL, null, 20), clock);
    }

    private static String client(String alias, String extra) {
        return "{\"alias\":\"" + alias + "\"," + extra + "\"seen\":true,\"connected\":true,\"base\":[0],\"last\":[7]}";
    }

    private Path file(String clients) throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"format\":1,\"written_at\":\"2026-01-01T00:00:00Z\",\"counters\":[\"recv_msg\"],"
                + "\"histogram_buckets_seconds\":[],\"brokers\":{\"emqx\":{" + clients + "}}}");
        return file;
    }

    @Test
    void rememberedMatchesComeBackWithHistoryWithinForgetAfterAndTheBound() throws Exception {
        Path file = file("\"pump-1\":" + client("Pump", "")
                + ",\"m-1\":" + client("1", "\"source\":\"pattern\",\"listed_at\":" + (now - 3_600_000) + ",")
                + ",\"m-2\":" + client("2", "\"source\":\"pattern\",\"listed_at\":" + (now - Duration.ofDays(4).toMillis()) + ",")
                + ",\"x-3\":" + client("3", "\"source\":\"pattern\",\"listed_at\":" + now + ",")
                + ",\"m-4\":" + client("4", "\"source\":\"pattern\",\"listed_at\":" + now + ",")
                + ",\"m-5\":" + client("5", "\"source\":\"pattern\",\"listed_at\":" + now + ","));
        ClientTracker tracker = tracker(2);

        new StateFile(file, clock).load(tracker, true);

        BrokerState broker = tracker.broker("emqx");
        assertEquals(Set.of("m-1", "m-4"), broker.patternClientIds(),
                "m-2 unlisted beyond forget-after, x-3 no longer matches, m-5 beyond the bound of 2");
        assertEquals(7, broker.client("m-1").view().counter(EmqxCounter.RECV_MSG));
        assertTrue(broker.client("m-1").view().fromPattern());
        assertEquals("1", broker.client("m-1").client().alias());
        assertEquals(7, broker.client("pump-1").view().counter(EmqxCounter.RECV_MSG));
        assertNull(broker.client("m-5"));
    }

    @Test
    void aFileOfTheVersionBeforePatternsLoadsAndAMatchingClientItListedIsNotWatchedTwice() throws Exception {
        Path file = file("\"pump-1\":" + client("Pump", "") + ",\"m-9\":" + client("Nine", ""));
        ClientTracker tracker = tracker(10);

        StateFile.Loaded loaded = new StateFile(file, clock).load(tracker, true);

        assertEquals(2, loaded.restored(), "the listed client, and the one listed before kept as a removed client");
        BrokerState broker = tracker.broker("emqx");
        assertEquals(Set.of(), broker.patternClientIds(), "not watched by pattern until EMQX lists it");
        assertEquals(1, broker.clients().size());
        assertEquals(7, broker.client("pump-1").view().counter(EmqxCounter.RECV_MSG));
    }

    @Test
    void writtenPatternClientsCarryTheirSourceAndListedClientsAreWrittenAsBefore() throws Exception {
        ClientTracker tracker = tracker(10);
        tracker.broker("emqx").admitPatternClients(java.util.Map.of("m-3", "3"), clock.instant());
        Path file = dir.resolve("out.json");

        new StateFile(file, clock).write(tracker);

        var brokers = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).path("brokers").path("emqx");
        assertEquals("pattern", brokers.path("m-3").path("source").asText());
        assertEquals(now, brokers.path("m-3").path("listed_at").asLong());
        assertTrue(brokers.path("pump-1").path("source").isMissingNode());
        assertTrue(brokers.path("pump-1").path("listed_at").isMissingNode());
    }
}
