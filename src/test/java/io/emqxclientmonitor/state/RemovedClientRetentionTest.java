package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.emqx.EmqxCounter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.emqxclientmonitor.state.PollDriver.T0;
import static io.emqxclientmonitor.state.PollDriver.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clients file rewritten non-atomically (half a file for a moment) or emptied by mistake removes clients; restored
 * within monitor.removed-client-retention (24 h by default) it changes nothing: same counters, no reset, no extra connect.
 */
class RemovedClientRetentionTest {
    @TempDir
    Path dir;

    private static final List<String> ALL = List.of("a", "b", "c");
    private final Map<String, Object> a = row("a", true, T0, "recv_msg", 1008);
    private final Map<String, Object> b = row("b", true, T0, "recv_msg", 7);
    private final Map<String, Object> c = row("c", true, T0, "recv_msg", 3);

    @Test
    @DisplayName("removed and restored within the grace period: same counters, no extra connect; gone from /metrics meanwhile")
    void restoredWithinTheGracePeriodChangesNothing() {
        PollDriver emqx = new PollDriver(ALL);
        emqx.pollOnePage(List.of(a, b, c));
        emqx.reconfigure(List.of("c"));
        assertFalse(emqx.scrape().contains("client_id=\"a\""), "a removed client's series vanish at once");
        emqx.pollOnePage(List.of(a, b, c));
        emqx.reconfigure(ALL);
        emqx.pollOnePage(List.of(a, b, c));
        assertEquals(1008, emqx.counter("a", EmqxCounter.RECV_MSG));
        assertEquals(1, emqx.view("a").connects());
        assertEquals(0, emqx.view("a").disconnects());
    }

    @Test
    @DisplayName("the history of a removed client survives a restart within the grace period (it is in the state file)")
    void survivesARestart() throws Exception {
        PollDriver emqx = new PollDriver(ALL);
        emqx.pollOnePage(List.of(a, b, c));
        emqx.pollOnePage(List.of(row("a", true, T0.plusSeconds(5), "recv_msg", 2), b, c));
        emqx.reconfigure(List.of("c"));
        emqx.restart(dir.resolve("state.json"));
        emqx.reconfigure(ALL);
        emqx.pollOnePage(List.of(row("a", true, T0.plusSeconds(5), "recv_msg", 2), b, c));
        assertEquals(1010, emqx.counter("a", EmqxCounter.RECV_MSG));
        assertEquals(2, emqx.view("a").connects());
    }

    @Test
    @DisplayName("after the grace period a removed client is forgotten, in memory and in the state file")
    void forgottenAfterTheGracePeriod() throws Exception {
        PollDriver emqx = new PollDriver(ALL);
        emqx.tracker().removedClientRetention(Duration.ofMinutes(1));
        emqx.pollOnePage(List.of(a, b, c));
        emqx.reconfigure(List.of("c"));
        emqx.clock().advance(Duration.ofMinutes(2));
        emqx.pollOnePage(List.of(c));
        assertTrue(emqx.tracker().broker("emqx").retired().isEmpty());
        emqx.reconfigure(ALL);
        emqx.pollOnePage(List.of(row("a", true, T0, "recv_msg", 5), b, c));
        assertEquals(5, emqx.counter("a", EmqxCounter.RECV_MSG), "a new history");
    }

    @Test
    void theSettingReadsUsualDurationsAndRejectsTheRestInOneLine() {
        assertEquals(Duration.ofHours(24), RemovedClientRetention.parse(null));
        assertEquals(Duration.ofHours(24), RemovedClientRetention.parse(" 24h "));
        assertEquals(Duration.ofMinutes(90), RemovedClientRetention.parse("90m"));
        assertEquals(Duration.ofSeconds(3600), RemovedClientRetention.parse("3600"));
        assertEquals(Duration.ofHours(1), RemovedClientRetention.parse("PT1H"));
        assertEquals(Duration.ZERO, RemovedClientRetention.parse("0"));
        for (String bad : new String[]{"-1h", "1 week", "abc", "1e400", "99999d", "PT-1H"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> RemovedClientRetention.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("monitor.removed-client-retention='" + bad + "'"), e.getMessage());
        }
    }
}
