package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.events.ClientEvent;
import io.emqxclientmonitor.state.ClientState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code check}'s table names the last drop's reason once any client has one (the event feed's, kept in the state file). */
class CheckReportReasonTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    @DisplayName("a Last drop reason column appears with the reasons, and not without them")
    void lastDropReasonColumn() {
        ClientState dropped = new ClientState("emqx", new MonitoredClient("dev", "c"), 8);
        dropped.onEvent(ClientEvent.connected("c", T0), T0);
        dropped.onEvent(ClientEvent.disconnected("c", T0, T0.plusSeconds(5), "keepalive_timeout"), T0);
        ClientState quiet = new ClientState("emqx", new MonitoredClient("other", "o"), 8);
        String with = new CheckReport(T0.plusSeconds(60)).render(List.of(dropped.view(), quiet.view()), false, false, false);
        assertTrue(with.contains("reason"), with);
        assertTrue(with.contains("keepalive_timeout"), with);
        String without = new CheckReport(T0.plusSeconds(60)).render(List.of(quiet.view()), false, false, false);
        assertFalse(without.contains("reason"), without);
    }
}
