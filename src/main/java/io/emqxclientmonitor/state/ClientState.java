package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Everything known about one monitored client: the last values EMQX gave, counters folded so they never go
 * down across reconnects, and its connection history. Written by the poller, read by scrapes: every access
 * is synchronized on the instance.
 */
public final class ClientState {
    private final String broker;
    private final MonitoredClient client;

    private boolean seen;
    private boolean present;
    private boolean connected;
    private Instant createdAt;
    private Instant connectedAt;
    private Instant disconnectedAt;
    private long keepalive;
    private long subscriptions;
    private long inflight;
    private final long[] base = new long[EmqxCounter.count()];
    private final long[] last = new long[EmqxCounter.count()];

    private long connects;
    private long disconnects;
    private Instant lastSeen;
    private Instant lastDisconnect;
    private Instant offlineSince;
    private Duration lastReconnectGap;
    private final SessionStats sessions = new SessionStats();
    private final EventRing events;

    public ClientState(String broker, MonitoredClient client, int eventRetention) {
        this.broker = broker;
        this.client = client;
        this.events = new EventRing(eventRetention);
    }

    public MonitoredClient client() {
        return client;
    }

    /** EMQX listed the client in this poll. */
    public synchronized void observe(ClientRecord record, Instant pollTime) {
        boolean newSession = !seen || (record.connectedAt() != null && !record.connectedAt().equals(connectedAt));
        boolean wasConnected = connected;
        foldCounters(record, seen && newSession);
        trackSessions(record, pollTime, newSession, wasConnected);

        seen = true;
        present = true;
        connected = record.connected();
        createdAt = orKeep(record.createdAt(), createdAt);
        connectedAt = orKeep(record.connectedAt(), connectedAt);
        disconnectedAt = record.connected() ? null : record.disconnectedAt();
        keepalive = orKeep(record.keepalive(), keepalive);
        subscriptions = orKeep(record.subscriptions(), subscriptions);
        inflight = orKeep(record.inflight(), inflight);
        if (record.connected()) {
            lastSeen = pollTime;
        }
    }

    /** A successful poll did not list the client: its session is gone. */
    public synchronized void absent(Instant pollTime) {
        if (connected) {
            recordDrop(pollTime);
        }
        present = false;
        connected = false;
        subscriptions = 0;
        inflight = 0;
    }

    private void foldCounters(ClientRecord record, boolean sessionChanged) {
        for (int i = 0; i < base.length; i++) {
            long value = record.counters()[i];
            if (sessionChanged) {
                base[i] += last[i];
                last[i] = Math.max(0, value);
            } else if (value != ClientRecord.UNKNOWN) {
                if (value < last[i]) {
                    base[i] += last[i];
                }
                last[i] = value;
            }
        }
    }

    private void trackSessions(ClientRecord record, Instant pollTime, boolean newSession, boolean wasConnected) {
        Instant sessionStart = record.connectedAt() != null ? record.connectedAt() : pollTime;
        if (seen && newSession && wasConnected) {
            // the previous session ended between two polls and a new one began: a drop we did not see happen
            recordDrop(sessionStart);
        }
        boolean sessionWitnessed = record.connected() || (seen && newSession);
        if ((newSession || !wasConnected) && sessionWitnessed) {
            connects++;
            events.add(EventRing.Kind.CONNECT, sessionStart);
            if (lastDisconnect != null && !sessionStart.isBefore(lastDisconnect)) {
                lastReconnectGap = Duration.between(lastDisconnect, sessionStart);
            }
            offlineSince = null;
            connectedAt = sessionStart;
        }
        if (!record.connected()) {
            Instant droppedAt = record.disconnectedAt() != null ? record.disconnectedAt() : pollTime;
            if (wasConnected && !newSession) {
                recordDrop(droppedAt);
            } else if (seen && newSession) {
                // a whole session began and ended between two polls; its connect was counted just above
                recordDrop(droppedAt);
            } else if (!seen) {
                lastDisconnect = record.disconnectedAt();
                offlineSince = droppedAt;
            }
        }
    }

    private void recordDrop(Instant at) {
        disconnects++;
        lastDisconnect = at;
        offlineSince = at;
        events.add(EventRing.Kind.DISCONNECT, at);
        if (connectedAt != null && !at.isBefore(connectedAt)) {
            sessions.add(Duration.between(connectedAt, at));
        }
        connected = false;
    }

    public synchronized ClientView view() {
        long[] totals = new long[base.length];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = base[i] + last[i];
        }
        return new ClientView(broker, client.alias(), client.clientId(), seen, present, connected,
                createdAt, connectedAt, disconnectedAt, keepalive, subscriptions, inflight, totals,
                connects, disconnects, lastSeen, lastDisconnect, offlineSince, lastReconnectGap,
                sessions.completed(), sessions.shortest(), sessions.longest(), sessions.average(), events.events());
    }

    synchronized StoredClient store() {
        return new StoredClient(client.clientId(), seen, connected, createdAt, connectedAt, disconnectedAt,
                keepalive, subscriptions, inflight, base.clone(), last.clone(), connects, disconnects, lastSeen,
                lastDisconnect, offlineSince, lastReconnectGap == null ? null : lastReconnectGap.toMillis(),
                sessions.completed(), sessions.shortestMillisRaw(), sessions.longestMillisRaw(),
                sessions.totalMillisRaw(), events.events());
    }

    synchronized void restore(StoredClient stored) {
        seen = stored.seen();
        present = false;
        connected = stored.connected();
        createdAt = stored.createdAt();
        connectedAt = stored.connectedAt();
        disconnectedAt = stored.disconnectedAt();
        keepalive = stored.keepalive();
        subscriptions = stored.subscriptions();
        inflight = stored.inflight();
        copyInto(stored.base(), base);
        copyInto(stored.last(), last);
        connects = stored.connects();
        disconnects = stored.disconnects();
        lastSeen = stored.lastSeen();
        lastDisconnect = stored.lastDisconnect();
        offlineSince = stored.offlineSince();
        lastReconnectGap = stored.lastReconnectGapMillis() == null ? null : Duration.ofMillis(stored.lastReconnectGapMillis());
        sessions.restore(stored.completedSessions(), stored.shortestSessionMillis(), stored.longestSessionMillis(),
                stored.totalSessionMillis());
        if (stored.events() != null) {
            stored.events().forEach(e -> events.add(e.kind(), e.at()));
        }
    }

    private static void copyInto(long[] from, long[] to) {
        if (from != null) {
            System.arraycopy(from, 0, to, 0, Math.min(from.length, to.length));
        }
    }

    private static Instant orKeep(Instant value, Instant previous) {
        return value != null ? value : previous;
    }

    private static long orKeep(long value, long previous) {
        return value != ClientRecord.UNKNOWN ? value : previous;
    }

    @Override
    public String toString() {
        return "ClientState[" + broker + "/" + client.alias() + " " + Arrays.toString(last) + "]";
    }
}
