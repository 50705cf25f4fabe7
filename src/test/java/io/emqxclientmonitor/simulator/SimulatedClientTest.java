package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Traffic and drop counters, counted the way EMQX 5.8 counts them. */
class SimulatedClientTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final Fleet fleet = new Fleet(clock);

    @Test
    void aNewClientIsConnectedNowWithZeroCounters() {
        SimulatedClient c = fleet.add("a");

        assertTrue(c.connected());
        assertTrue(c.listed());
        assertEquals(clock.instant(), c.connectedAt());
        assertEquals(clock.instant(), c.createdAt());
        assertEquals(null, c.disconnectedAt());
        assertEquals(0, c.counter("recv_msg"));
        assertEquals(0, c.counter("send_oct"));
    }

    @Test
    void publishCountsIncomingMessagesByQos() {
        SimulatedClient c = fleet.add("a").publish(3, 2, 100).publish(1, 0, 0);

        assertEquals(4, c.counter("recv_msg"));
        assertEquals(3, c.counter("recv_msg.qos2"));
        assertEquals(1, c.counter("recv_msg.qos0"));
        assertEquals(0, c.counter("recv_msg.qos1"));
        assertEquals(4, c.counter("recv_pkt"));
        assertEquals(4, c.counter("recv_cnt"));
        assertEquals(3 * (100 + SimulatedClient.PUBLISH_OVERHEAD_BYTES) + SimulatedClient.PUBLISH_OVERHEAD_BYTES,
                c.counter("recv_oct"));
        assertEquals(0, c.counter("send_msg"));
    }

    @Test
    void deliverCountsOutgoingMessagesByQos() {
        SimulatedClient c = fleet.add("a").deliver(2, 1, 10);

        assertEquals(2, c.counter("send_msg"));
        assertEquals(2, c.counter("send_msg.qos1"));
        assertEquals(2, c.counter("send_pkt"));
        assertEquals(2, c.counter("send_cnt"));
        assertEquals(2 * (10 + SimulatedClient.PUBLISH_OVERHEAD_BYTES), c.counter("send_oct"));
        assertEquals(0, c.counter("recv_msg"));
    }

    @Test
    void awaitPubrelTimeoutIsAnIncomingDrop() {
        SimulatedClient c = fleet.add("a").drop("await_pubrel_timeout", 2);

        assertEquals(2, c.counter("recv_msg.dropped"));
        assertEquals(2, c.counter("recv_msg.dropped.await_pubrel_timeout"));
        assertEquals(0, c.counter("send_msg.dropped"));
    }

    @Test
    void outgoingDropsCountTheTotalAndTheReason() {
        SimulatedClient c = fleet.add("a").drop("expired", 1).drop("queue_full", 2).drop("too_large", 3);

        assertEquals(6, c.counter("send_msg.dropped"));
        assertEquals(1, c.counter("send_msg.dropped.expired"));
        assertEquals(2, c.counter("send_msg.dropped.queue_full"));
        assertEquals(3, c.counter("send_msg.dropped.too_large"));
        assertEquals(2, c.counter("mqueue_dropped"));
    }

    @Test
    void qos0DropsRaiseOnlyTheTotalSoItExceedsTheSumOfReasons() {
        SimulatedClient c = fleet.add("a").drop("qos0", 4).drop("expired", 1);

        assertEquals(5, c.counter("send_msg.dropped"));
        assertEquals(1, c.counter("send_msg.dropped.expired"));
    }

    @Test
    void nonsenseIsRejected() {
        SimulatedClient c = fleet.add("a");

        assertThrows(IllegalArgumentException.class, () -> c.drop("bored", 1));
        assertThrows(IllegalArgumentException.class, () -> c.publish(1, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> c.deliver(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> c.counter("recv_msg.qos3"));
        assertThrows(IllegalArgumentException.class, () -> fleet.add("a"));
    }

    @Test
    void aDisconnectedClientCannotSendOrReceive() {
        SimulatedClient c = fleet.add("a").disconnect(true);

        assertThrows(IllegalStateException.class, () -> c.publish(1, 0, 1));
        assertThrows(IllegalStateException.class, () -> c.deliver(1, 0, 1));
        assertThrows(IllegalStateException.class, () -> c.drop("expired", 1));
    }

    @Test
    void disconnectWithSessionKeepsItListedAndPersistent() {
        SimulatedClient c = fleet.add("a");
        clock.advance(Duration.ofSeconds(3));
        c.disconnect(true);

        assertFalse(c.connected());
        assertTrue(c.listed());
        assertTrue(c.hasPersistentSession());
        assertEquals(Instant.parse("2024-01-01T00:00:03Z"), c.disconnectedAt());
    }

    @Test
    void droppingTheSessionFlagOfADisconnectedClientDiscardsItsSession() {
        SimulatedClient c = fleet.add("a").disconnect(true).persistentSession(false);

        assertFalse(c.listed());
    }
}
