package io.emqxclientmonitor.diagnostics;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state file at fleet scale: 10,000 monitored clients whose event rings are full (every client reconnected at
 * every one of 12 polls) are written and read back exactly, fast enough for the background writer.
 */
class StateFileScaleTest {
    private static final int CLIENTS = 10_000;
    private static final int POLLS = 12;
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void tenThousandFlappingClientsAreWrittenAndReadBackExactly() throws Exception {
        SteppedClock clock = new SteppedClock(T0);
        ClientTracker written = tracker(clock);
        for (int poll = 0; poll < POLLS; poll++) {
            Instant at = T0.plusSeconds(15L * poll);
            for (ClientState client : written.broker("emqx").clients()) {
                client.observe(record(client.client().clientId(), at.minusSeconds(3), poll), at);
            }
        }
        clock.set(T0.plusSeconds(15L * POLLS));
        StateFile file = new StateFile(dir.resolve("state.json"), clock);

        long writeStarted = System.nanoTime();
        file.write(written);
        long writeMillis = (System.nanoTime() - writeStarted) / 1_000_000;

        ClientTracker restored = tracker(clock);
        long readStarted = System.nanoTime();
        StateFile.Loaded loaded = new StateFile(dir.resolve("state.json"), clock).load(restored, false);
        long readMillis = (System.nanoTime() - readStarted) / 1_000_000;

        long bytes = Files.size(dir.resolve("state.json"));
        System.out.printf("state file for %,d clients with full event rings: %,d bytes (%,d per client), written in %d ms, read in %d ms%n",
                CLIENTS, bytes, bytes / CLIENTS, writeMillis, readMillis);
        assertEquals(CLIENTS, loaded.restored());
        List<ClientView> before = written.views();
        List<ClientView> after = restored.views();
        for (int i = 0; i < CLIENTS; i++) {
            ClientView a = before.get(i);
            ClientView b = after.get(i);
            assertEquals(a.connects(), b.connects());
            assertEquals(a.disconnects(), b.disconnects());
            assertArrayEquals(a.counters(), b.counters());
            assertEquals(a.recentEvents(), b.recentEvents());
            assertEquals(a.lastSeen(), b.lastSeen());
            assertEquals(a.longestSession(), b.longestSession());
            assertArrayEquals(a.sessionDurations().counts(), b.sessionDurations().counts());
        }
        assertTrue(writeMillis < 5_000, "writing took " + writeMillis + " ms");
    }

    private static ClientTracker tracker(SteppedClock clock) {
        List<MonitoredClient> clients = new ArrayList<>(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new MonitoredClient("device-" + i, String.format("factory-7/line-%02d/sensor-%05d", i % 40, i)));
        }
        BrokerConfig broker = new BrokerConfig("default", "emqx", URI.create("http://emqx:18083/api"), "key", "secret",
                Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, clients, null);
        return new ClientTracker(new MonitorConfig(List.of(broker), Duration.ofSeconds(15), MetricFlags.DEFAULTS, null, 20), clock);
    }

    private static ClientRecord record(String clientId, Instant connectedAt, int poll) {
        long[] counters = new long[EmqxCounter.count()];
        Arrays.fill(counters, 0);
        counters[EmqxCounter.RECV_MSG.ordinal()] = 100 + poll;
        counters[EmqxCounter.RECV_OCT.ordinal()] = 12_000 + poll;
        counters[EmqxCounter.RECV_PKT.ordinal()] = 110 + poll;
        return new ClientRecord(clientId, "sensor", true, connectedAt, connectedAt, null, 60, 2, 0, counters);
    }
}
