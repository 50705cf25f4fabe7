package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

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
    /** {@link #connectedAt} is EMQX's {@code connected_at}, not the poll time standing in for a missing one. */
    private boolean connectedAtReported;
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
    /** Allocated at the first observation, so steady clients cost nothing. */
    private DurationHistogram sessionDurations;
    private DurationHistogram offlineDurations;
    /** A successful poll of this client's broker has been applied to it since it was configured in this process. */
    private boolean polled;
    /** The numeric fields already logged as invalid (bits of {@link ClientRecord#invalidFields()}): logged once each. */
    private long reportedInvalid;

    public ClientState(String broker, MonitoredClient client, int eventRetention) {
        this.broker = broker;
        this.client = client;
        this.events = new EventRing(eventRetention);
    }

    public MonitoredClient client() {
        return client;
    }

    /**
     * EMQX listed the client in this poll. A new connection is seen when {@code connected_at} moves forward (this
     * also catches a connection that began and ended between two polls while EMQX kept its session), when the
     * client comes back connected after being offline or absent, and at first sight of a connected client.
     */
    public synchronized void observe(ClientRecord record, Instant pollTime) {
        Instant reportedStart = record.connectedAt();
        boolean newerConnection = reportedStart != null && (connectedAt == null || reportedStart.isAfter(connectedAt));
        boolean sameKnownSession = seen && reportedStart != null && reportedStart.equals(connectedAt);
        // A row of an older session (a takeover's stale row, listed alone or reordered; an offline durable session
        // that reports connected_at = created_at) may still tell a disconnect, but its counters are not this session's.
        boolean olderSession = seen && connectedAtReported && reportedStart != null && reportedStart.isBefore(connectedAt);
        if (!olderSession) {
            foldCounters(record, seen && newerConnection, sameKnownSession);
        }
        if (seen) {
            trackSessions(record, pollTime, newerConnection);
        } else {
            firstSight(record, pollTime);
        }

        seen = true;
        present = true;
        polled = true;
        connected = record.connected();
        createdAt = orKeep(record.createdAt(), createdAt);
        disconnectedAt = record.connected() ? null : record.disconnectedAt();
        keepalive = orKeep(record.keepalive(), keepalive);
        subscriptions = orKeep(record.subscriptions(), subscriptions);
        inflight = orKeep(record.inflight(), inflight);
        if (record.connected()) {
            lastSeen = pollTime;
        }
    }

    /** A successful poll did not list the client: its session is gone (a drop if it was connected). */
    public synchronized void absent(Instant pollTime) {
        if (connected) {
            endSession(pollTime, true);
        }
        polled = true;
        present = false;
        connected = false;
        subscriptions = 0;
        inflight = 0;
    }

    /** Of these invalid fields, the ones not reported before (and now marked reported). */
    synchronized long firstTimeInvalid(long invalidFields) {
        long fresh = invalidFields & ~reportedInvalid;
        reportedInvalid |= invalidFields;
        return fresh;
    }

    /** Whether a successful poll has told anything about this client since it was configured in this process. */
    public synchronized boolean polled() {
        return polled;
    }

    /**
     * EMQX's counters restart with each connection: a new {@code connected_at} folds the previous session's into the
     * base. Within one known session (the same {@code connected_at}) a smaller value is a stale row (of a takeover, a
     * duplicate), never a restart; without {@code connected_at} a smaller value is the only sign of a reconnect.
     * Sums saturate at {@link ClientRecord#MAX_VALUE}, so a total never overflows into a negative.
     */
    private void foldCounters(ClientRecord record, boolean sessionChanged, boolean sameKnownSession) {
        for (int i = 0; i < base.length; i++) {
            long value = record.counters()[i];
            if (sessionChanged) {
                base[i] = saturatedSum(base[i], last[i]);
                last[i] = Math.max(0, value);
            } else if (value != ClientRecord.UNKNOWN) {
                if (sameKnownSession) {
                    last[i] = Math.max(last[i], value);
                    continue;
                }
                if (value < last[i]) {
                    base[i] = saturatedSum(base[i], last[i]);
                }
                last[i] = value;
            }
        }
    }

    static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 || sum > ClientRecord.MAX_VALUE ? ClientRecord.MAX_VALUE : sum;
    }

    /** First sight: a connected client starts its first session; an offline one only tells when it left. */
    private void firstSight(ClientRecord record, Instant pollTime) {
        connectedAt = record.connectedAt();
        connectedAtReported = connectedAt != null;
        if (record.connected()) {
            startSession(record.connectedAt() != null ? record.connectedAt() : pollTime, record.connectedAt() == null, false);
        } else {
            lastDisconnect = record.disconnectedAt();
            offlineSince = record.disconnectedAt() != null ? record.disconnectedAt() : pollTime;
        }
    }

    private void trackSessions(ClientRecord record, Instant pollTime, boolean newerConnection) {
        boolean wasConnected = connected;
        boolean reconnected = newerConnection || (!wasConnected && record.connected());
        if (reconnected) {
            Instant start = record.connectedAt() != null ? record.connectedAt() : pollTime;
            boolean startEstimated = record.connectedAt() == null;
            if (wasConnected) {
                // The previous connection ended unseen between two polls. EMQX ends it at the latest when the new
                // one connects (session takeover), so that is its end; how long the client was offline is unknown.
                endSession(start, true);
                startSession(start, startEstimated, false);
            } else {
                startSession(start, startEstimated, true);
            }
            if (!record.connected()) {
                // the new connection ended before this poll too; EMQX still lists its session
                endSession(orKeep(record.disconnectedAt(), pollTime), record.disconnectedAt() == null);
            }
        } else if (wasConnected && !record.connected()) {
            endSession(orKeep(record.disconnectedAt(), pollTime), record.disconnectedAt() == null);
        }
    }

    /**
     * @param afterObservedDrop the drop before it was seen (EMQX's disconnected_at or the client's absence), so the
     *                          time offline is known
     */
    private void startSession(Instant start, boolean estimated, boolean afterObservedDrop) {
        connects++;
        events.add(EventRing.Kind.CONNECT, start, estimated);
        if (afterObservedDrop && lastDisconnect != null && !start.isBefore(lastDisconnect)) {
            lastReconnectGap = Duration.between(lastDisconnect, start);
            offlineDurations().observe(lastReconnectGap);
        }
        offlineSince = null;
        connectedAt = start;
        connectedAtReported = !estimated;
        connected = true;
    }

    private void endSession(Instant at, boolean estimated) {
        disconnects++;
        lastDisconnect = at;
        offlineSince = at;
        events.add(EventRing.Kind.DISCONNECT, at, estimated);
        if (connectedAt != null && !at.isBefore(connectedAt)) {
            Duration session = Duration.between(connectedAt, at);
            sessions.add(session);
            sessionDurations().observe(session);
        }
        connected = false;
    }

    private DurationHistogram sessionDurations() {
        if (sessionDurations == null) {
            sessionDurations = new DurationHistogram();
        }
        return sessionDurations;
    }

    private DurationHistogram offlineDurations() {
        if (offlineDurations == null) {
            offlineDurations = new DurationHistogram();
        }
        return offlineDurations;
    }

    public synchronized ClientView view() {
        return view(true);
    }

    /** The view without the recent events (an empty list): what a scrape needs, without copying the events. */
    public synchronized ClientView viewWithoutEvents() {
        return view(false);
    }

    private ClientView view(boolean withEvents) {
        long[] totals = new long[base.length];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = saturatedSum(base[i], last[i]);
        }
        return new ClientView(broker, client.alias(), client.clientId(), seen, present, connected,
                createdAt, connectedAt, disconnectedAt, keepalive, subscriptions, inflight, totals,
                connects, disconnects, lastSeen, lastDisconnect, offlineSince, lastReconnectGap,
                sessions.completed(), sessions.shortest(), sessions.longest(), sessions.average(),
                withEvents ? events.events() : List.of(),
                polled, snapshot(sessionDurations), snapshot(offlineDurations));
    }

    private static DurationHistogram.Snapshot snapshot(DurationHistogram histogram) {
        return histogram == null ? DurationHistogram.Snapshot.EMPTY : histogram.snapshot();
    }

    synchronized StoredClient store() {
        return new StoredClient(client.clientId(), seen, connected, createdAt, connectedAt, disconnectedAt,
                keepalive, subscriptions, inflight, base.clone(), last.clone(), connects, disconnects, lastSeen,
                lastDisconnect, offlineSince, lastReconnectGap == null ? null : lastReconnectGap.toMillis(),
                sessions.completed(), sessions.shortestMillisRaw(), sessions.longestMillisRaw(),
                sessions.totalMillisRaw(), events.events(), snapshot(sessionDurations), snapshot(offlineDurations));
    }

    synchronized void restore(StoredClient stored) {
        seen = stored.seen();
        present = false;
        connected = stored.connected();
        createdAt = stored.createdAt();
        connectedAt = stored.connectedAt();
        connectedAtReported = connectedAt != null;
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
            stored.events().forEach(e -> events.add(e.kind(), e.at(), e.estimated()));
        }
        double[] bounds = DurationHistogram.boundsSeconds();
        if (stored.sessionDurations() != null && stored.sessionDurations().count() > 0) {
            sessionDurations().restore(bounds, stored.sessionDurations().counts(), stored.sessionDurations().sumSeconds());
        }
        if (stored.offlineDurations() != null && stored.offlineDurations().count() > 0) {
            offlineDurations().restore(bounds, stored.offlineDurations().counts(), stored.offlineDurations().sumSeconds());
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
