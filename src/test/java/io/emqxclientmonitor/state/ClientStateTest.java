package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counters never go down: EMQX restarts them with every connection, the exporter folds each restart into a base. */
class ClientStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ClientState state = new ClientState("emqx", new MonitoredClient("a", "c"), 8);

    private static ClientRecord record(boolean connected, Instant connectedAt, long recvMsg) {
        long[] counters = new long[EmqxCounter.count()];
        Arrays.fill(counters, 0);
        counters[EmqxCounter.RECV_MSG.ordinal()] = recvMsg;
        return new ClientRecord("c", null, connected, T0, connectedAt, connected ? null : connectedAt.plusSeconds(5), 60, 1, 0, counters);
    }

    private long recvMsg() {
        return state.view().counter(EmqxCounter.RECV_MSG);
    }

    @Test
    void aNewConnectedAtFoldsThePreviousSessionIntoTheBase() {
        state.observe(record(true, T0, 100), T0);
        state.observe(record(true, T0, 150), T0.plusSeconds(15));
        state.observe(record(true, T0.plusSeconds(20), 20), T0.plusSeconds(30));
        assertEquals(170, recvMsg());
    }

    @Test
    void aReconnectThatAlreadyCountedMoreThanBeforeIsStillFolded() {
        state.observe(record(true, T0, 10), T0);
        state.observe(record(true, T0.plusSeconds(20), 50), T0.plusSeconds(30));
        assertEquals(60, recvMsg());
    }

    @Test
    void aValueGoingDownWithTheSameConnectedAtIsAStaleRowNotAReset() {
        state.observe(record(true, T0, 100), T0);
        state.observe(record(true, T0, 30), T0.plusSeconds(15));
        assertEquals(100, recvMsg());
        state.observe(record(true, T0, 120), T0.plusSeconds(30));
        assertEquals(120, recvMsg());
    }

    @Test
    void withoutConnectedAtAValueGoingDownIsTheOnlySignOfAReconnectSoItIsAReset() {
        long[] counters = new long[EmqxCounter.count()];
        counters[EmqxCounter.RECV_MSG.ordinal()] = 100;
        state.observe(new ClientRecord("c", null, true, T0, null, null, 60, 1, 0, counters), T0);
        long[] after = new long[EmqxCounter.count()];
        after[EmqxCounter.RECV_MSG.ordinal()] = 30;
        state.observe(new ClientRecord("c", null, true, T0, null, null, 60, 1, 0, after), T0.plusSeconds(15));
        assertEquals(130, recvMsg());
    }

    @Test
    void foldedTotalsSaturateInsteadOfOverflowing() {
        state.observe(record(true, T0, ClientRecord.MAX_VALUE - 1), T0);
        state.observe(record(true, T0.plusSeconds(20), ClientRecord.MAX_VALUE), T0.plusSeconds(30));
        state.observe(record(true, T0.plusSeconds(40), 5), T0.plusSeconds(45));
        assertEquals(ClientRecord.MAX_VALUE, recvMsg());
    }

    @Test
    void anUnknownValueKeepsTheLastKnownOne() {
        state.observe(record(true, T0, 100), T0);
        long[] unknown = new long[EmqxCounter.count()];
        Arrays.fill(unknown, ClientRecord.UNKNOWN);
        state.observe(new ClientRecord("c", null, false, T0, T0, T0.plusSeconds(9), -1, -1, -1, unknown), T0.plusSeconds(15));
        assertEquals(100, recvMsg());
    }

    @Test
    void absenceKeepsCountersAndMarksTheClientDisconnected() {
        state.observe(record(true, T0, 100), T0);
        state.absent(T0.plusSeconds(15));
        ClientView view = state.view();
        assertFalse(view.connected());
        assertFalse(view.present());
        assertTrue(view.seen());
        assertEquals(100, recvMsg());
        assertEquals(1, view.disconnects());
    }
}
