package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.events.ClientEvent;
import io.emqxclientmonitor.events.DisconnectReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events and polls both tell of one client's sessions; the client state is their one owner. A session is its
 * {@code connected_at}: whichever source sees it first counts it, the other only adds what it knows.
 */
class EventReconciliationTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private final ClientState client = new ClientState("emqx", new MonitoredClient("dev", "c"), 16);

    private static ClientEvent connect(int atSecond) {
        return ClientEvent.connected("c", T0.plusSeconds(atSecond));
    }

    private static ClientEvent drop(int startSecond, int endSecond, String reason) {
        return ClientEvent.disconnected("c", T0.plusSeconds(startSecond), T0.plusSeconds(endSecond), reason);
    }

    private static ClientRecord row(boolean connected, int startSecond) {
        return new ClientRecord("c", null, connected, T0, T0.plusSeconds(startSecond),
                connected ? null : T0.plusSeconds(startSecond + 1), 60, 1, 0, new long[EmqxCounter.count()]);
    }

    private long reasonCount(String reason) {
        long[] byReason = client.view().disconnectsByReason();
        return byReason == null ? 0 : byReason[DisconnectReason.index(reason)];
    }

    @Test
    @DisplayName("a connect and its disconnect count one session and one drop with EMQX's reason")
    void connectAndDisconnectCountOneSessionWithItsReason() {
        client.onEvent(connect(0), T0);
        assertTrue(client.view().connected());
        client.onEvent(drop(0, 3, "keepalive_timeout"), T0.plusSeconds(3));
        ClientView view = client.view();
        assertFalse(view.connected());
        assertEquals(1, view.connects());
        assertEquals(1, view.disconnects());
        assertEquals("keepalive_timeout", view.lastDisconnectReason());
        assertEquals(1, reasonCount("keepalive_timeout"));
        assertEquals("keepalive_timeout", view.recentEvents().get(1).reason());
    }

    @Test
    @DisplayName("every event delivered twice counts once")
    void duplicatesCountOnce() {
        for (int i = 0; i < 2; i++) {
            client.onEvent(connect(0), T0);
            client.onEvent(drop(0, 3, "normal"), T0);
        }
        client.onEvent(connect(0), T0);
        assertEquals(1, client.view().connects());
        assertEquals(1, client.view().disconnects());
        assertFalse(client.view().connected(), "a repeated connect of an ended session does not reopen it");
    }

    @Test
    @DisplayName("a disconnect that arrives before its connect counts the session once and leaves the client offline")
    void disconnectBeforeConnect() {
        client.onEvent(drop(0, 3, "tcp_closed"), T0);
        client.onEvent(connect(0), T0);
        assertEquals(1, client.view().connects());
        assertEquals(1, client.view().disconnects());
        assertFalse(client.view().connected());
    }

    @Test
    @DisplayName("the takenover disconnect of the old connection, arriving after the new connect, does not mark the client offline")
    void lateTakeoverKeepsTheNewConnection() {
        client.onEvent(connect(0), T0);
        client.onEvent(connect(10), T0);
        client.onEvent(drop(0, 10, "takenover"), T0);
        ClientView view = client.view();
        assertTrue(view.connected());
        assertEquals(T0.plusSeconds(10), view.connectedAt());
        assertEquals(2, view.connects());
        assertEquals(1, view.disconnects(), "the old connection's end is counted once, not again by its late event");
    }

    @Test
    @DisplayName("a poll that lists a session an event already counted adds no connect; one whose drop the events told stays offline")
    void pollAfterEventsCountsNothingTwice() {
        client.onEvent(connect(0), T0);
        assertEquals(0, client.observe(row(true, 0), T0.plusSeconds(1)), "not a session the events missed");
        client.onEvent(drop(0, 3, "normal"), T0.plusSeconds(3));
        client.observe(row(true, 0), T0.plusSeconds(15)); // the poll's snapshot was taken before the drop
        ClientView view = client.view();
        assertFalse(view.connected());
        assertEquals(1, view.connects());
        assertEquals(1, view.disconnects());
    }

    @Test
    @DisplayName("events of a session a poll counted first add only the reason")
    void eventsAfterPoll() {
        client.observe(row(true, 0), T0.plusSeconds(1));
        client.onEvent(connect(0), T0.plusSeconds(2));
        client.onEvent(drop(0, 3, "kicked"), T0.plusSeconds(3));
        client.observe(row(true, 10), T0.plusSeconds(15));
        client.onEvent(connect(10), T0.plusSeconds(16));
        ClientView view = client.view();
        assertEquals(2, view.connects());
        assertEquals(1, view.disconnects());
        assertEquals(1, reasonCount("kicked"));
    }

    @Test
    @DisplayName("a client the events call connected but EMQX no longer lists is dropped with reason unknown")
    void absentAfterConnectEventIsUnknownDrop() {
        client.onEvent(connect(0), T0);
        client.absent(T0.plusSeconds(15));
        assertFalse(client.view().connected());
        assertEquals("unknown", client.view().lastDisconnectReason());
        assertEquals(1, reasonCount("unknown"));
    }

    @Test
    @DisplayName("a session only a poll found is counted by the poll and reported as one the events missed")
    void pollRepairsMissedSession() {
        client.onEvent(connect(0), T0);
        client.onEvent(drop(0, 3, "normal"), T0);
        assertEquals(1, client.observe(row(true, 20), T0.plusSeconds(30)));
        assertEquals(2, client.view().connects());
        assertTrue(client.view().connected());
    }

    @Test
    @DisplayName("a disconnect without connected_at (rule events before EMQX 5.8.6) ends the current session, never a newer one")
    void unpairedDisconnect() {
        client.onEvent(connect(0), T0);
        client.onEvent(connect(10), T0);
        client.onEvent(ClientEvent.disconnected("c", null, T0.plusSeconds(5), "normal"), T0); // the older one's
        assertTrue(client.view().connected());
        client.onEvent(ClientEvent.disconnected("c", null, T0.plusSeconds(10), "takenover"), T0);
        assertTrue(client.view().connected(), "takenover without connected_at cannot be paired: ignored");
        client.onEvent(ClientEvent.disconnected("c", null, T0.plusSeconds(20), "normal"), T0);
        assertFalse(client.view().connected());
        assertEquals("normal", client.view().lastDisconnectReason());
    }

    @Test
    @DisplayName("an unknown reason is folded into other")
    void unknownReasonIsOther() {
        client.onEvent(connect(0), T0);
        client.onEvent(drop(0, 3, "something_new_in_emqx_7"), T0);
        assertEquals("other", client.view().lastDisconnectReason());
        assertEquals(1, reasonCount("other"));
    }

    private static ClientRecord rowWithMessages(int startSecond, long received) {
        long[] counters = new long[EmqxCounter.count()];
        counters[EmqxCounter.RECV_MSG.ordinal()] = received;
        return new ClientRecord("c", null, true, T0, T0.plusSeconds(startSecond), null, 60, 1, 0, counters);
    }

    private long received() {
        return client.view().counter(EmqxCounter.RECV_MSG);
    }

    @Test
    @DisplayName("a connect event starts a new session's counters: the previous session's messages stay in the total")
    void connectEventFoldsThePreviousSessionsCounters() {
        client.observe(rowWithMessages(0, 5), T0.plusSeconds(1));
        client.onEvent(connect(10), T0.plusSeconds(10));
        assertEquals(5, received(), "nothing is lost at the connect");
        client.observe(rowWithMessages(10, 2), T0.plusSeconds(15));
        assertEquals(7, received());
        client.observe(rowWithMessages(10, 8), T0.plusSeconds(30));
        assertEquals(13, received());
    }

    @Test
    @DisplayName("a session told whole by its disconnect event also starts the counters anew")
    void wholeSessionFromItsDisconnectFoldsTheCounters() {
        client.observe(rowWithMessages(0, 5), T0.plusSeconds(1));
        client.onEvent(drop(10, 12, "normal"), T0.plusSeconds(12));
        long[] counters = new long[EmqxCounter.count()];
        counters[EmqxCounter.RECV_MSG.ordinal()] = 2;
        // the persistent session it left behind, as the next poll lists it
        client.observe(new ClientRecord("c", null, false, T0, T0.plusSeconds(10), T0.plusSeconds(12), 60, 1, 0, counters),
                T0.plusSeconds(15));
        assertEquals(7, received());
        assertFalse(client.view().connected());
    }

    @Test
    @DisplayName("EMQX's takeover order (new connect, then the old connection's takenover): the drop is counted once, as takenover")
    void takenoverAfterTheNewConnectKeepsItsReason() {
        client.observe(row(true, 0), T0.plusSeconds(1));
        client.onEvent(connect(10), T0.plusSeconds(10));
        assertEquals(0, client.view().disconnects(), "the old connection's drop waits a moment for its reason");
        client.onEvent(drop(0, 10, "takenover"), T0.plusSeconds(10));
        ClientView view = client.view();
        assertTrue(view.connected());
        assertEquals(2, view.connects());
        assertEquals(1, view.disconnects());
        assertEquals(1, reasonCount("takenover"));
        assertEquals(0, reasonCount("unknown"));
        assertEquals("takenover", view.lastDisconnectReason());
        client.onEvent(drop(0, 10, "takenover"), T0.plusSeconds(11));
        assertEquals(1, client.view().disconnects(), "a duplicate adds nothing");
    }

    @Test
    @DisplayName("a takeover whose disconnect event never comes is counted as unknown by the next poll after a grace")
    void takeoverWithoutItsDisconnectEventIsUnknownAfterTheGrace() {
        client.observe(row(true, 0), T0.plusSeconds(1));
        client.onEvent(connect(10), T0.plusSeconds(10));
        client.observe(row(true, 10), T0.plusSeconds(12));
        assertEquals(0, client.view().disconnects(), "within the grace");
        client.observe(row(true, 10), T0.plusSeconds(27));
        assertEquals(1, client.view().disconnects());
        assertEquals(1, reasonCount("unknown"));
        client.onEvent(drop(0, 10, "takenover"), T0.plusSeconds(28));
        assertEquals(1, client.view().disconnects(), "its late event does not count it again");
        assertEquals(1, reasonCount("unknown"), "and counters never go down");
        assertEquals("takenover", client.view().lastDisconnectReason(), "but the reason is told where it can be");
    }

    @Test
    @DisplayName("a reason that arrives after a poll counted the drop as unknown becomes the last reason and the recent event's")
    void lateReasonAfterThePollCountedTheDrop() {
        client.observe(row(true, 0), T0.plusSeconds(1));
        client.absent(T0.plusSeconds(15));
        assertEquals("unknown", client.view().lastDisconnectReason());
        client.onEvent(drop(0, 12, "kicked"), T0.plusSeconds(16));
        ClientView view = client.view();
        assertEquals(1, view.disconnects());
        assertEquals(1, reasonCount("unknown"));
        assertEquals("kicked", view.lastDisconnectReason());
        assertEquals("kicked", view.recentEvents().get(view.recentEvents().size() - 1).reason());
        client.onEvent(drop(0, 12, "normal"), T0.plusSeconds(17));
        assertEquals("kicked", client.view().lastDisconnectReason(), "told once: a later copy changes nothing");
    }

    @Test
    @DisplayName("a reordered older connect, then its disconnect: the older session and its drop are both counted, with the reason")
    void reorderedOlderSessionIsCountedWithItsDrop() {
        client.onEvent(connect(20), T0.plusSeconds(20));
        client.onEvent(connect(0), T0.plusSeconds(21));
        client.onEvent(drop(0, 5, "normal"), T0.plusSeconds(21));
        ClientView view = client.view();
        assertTrue(view.connected(), "the current session is untouched");
        assertEquals(2, view.connects());
        assertEquals(1, view.disconnects());
        assertEquals(1, reasonCount("normal"));
        assertEquals(List.of(EventRing.Kind.CONNECT, EventRing.Kind.DISCONNECT, EventRing.Kind.CONNECT),
                view.recentEvents().stream().map(EventRing.Event::kind).toList(), "recent events in the order they happened");
    }

    @Test
    @DisplayName("connected_at in whole seconds names the session of that second that a poll saw in milliseconds")
    void secondsPrecisionPairsWithTheSessionOfThatSecond() {
        Instant start = T0.plusMillis(1_234);
        client.observe(new ClientRecord("c", null, true, T0, start, null, 60, 1, 0, new long[EmqxCounter.count()]), T0.plusSeconds(2));
        client.onEvent(ClientEvent.connected("c", T0.plusSeconds(1)).inSeconds(), T0.plusSeconds(3));
        client.onEvent(ClientEvent.disconnected("c", T0.plusSeconds(1), T0.plusSeconds(4), "normal").inSeconds(), T0.plusSeconds(4));
        ClientView view = client.view();
        assertEquals(1, view.connects());
        assertEquals(1, view.disconnects());
        assertFalse(view.connected());
    }

    @Test
    @DisplayName("a drop waiting for its reason is in the state file as counted, so a restart does not lose it")
    void pendingDropIsStoredAsCounted() {
        client.observe(row(true, 0), T0.plusSeconds(1));
        client.onEvent(connect(10), T0.plusSeconds(10));
        StoredClient stored = client.store();
        assertEquals(1, stored.disconnects());
        assertEquals(2, stored.connects());
    }
}
