package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.events.ClientEvent;
import io.emqxclientmonitor.events.DisconnectReason;

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
    /** Allocated at the first session: which connected_at were counted (see {@link SessionLedger}). */
    private SessionLedger ledger;
    /** The reason of the latest drop (EMQX's, or {@code unknown} when only a poll saw it), null before any. */
    private String lastDisconnectReason;
    /** Drops by {@link DisconnectReason#LABELS} index; allocated at the first drop. */
    private long[] disconnectsByReason;
    /** The current session was started by an event, so a poll's snapshot may lag behind it. */
    private boolean sessionFromEvent;
    /**
     * A drop known to have happened but not yet counted, waiting a little for EMQX's disconnect event to tell its
     * reason: the old connection of a takeover (its {@code takenover} event often arrives after the new connect), or
     * an older session whose connect was delivered late. Null when none; settled as {@code unknown} by the first poll
     * or event {@link #PENDING_DROP_GRACE} after it arrived, or when another takes its place.
     */
    private Instant pendingDropStart;
    private Instant pendingDropEnd;
    private Instant pendingDropSince;
    /** The connected_at of the session whose drop was counted last (0: none or not reported): a late reason is its. */
    private long latestDropKey;

    /** How long a drop may wait for its disconnect event before it is counted as {@code unknown}. */
    static final Duration PENDING_DROP_GRACE = Duration.ofSeconds(5);
    /** Watched because it matched the broker's pattern, not because it is listed ({@code source} pattern). */
    private volatile boolean fromPattern;
    /** The last poll that found EMQX listing it (or when it was first watched): pattern clients are forgotten by it. */
    private Instant listedAt;

    public ClientState(String broker, MonitoredClient client, int eventRetention) {
        this.broker = broker;
        this.client = client;
        this.events = new EventRing(eventRetention);
    }

    public MonitoredClient client() {
        return client;
    }

    public boolean fromPattern() {
        return fromPattern;
    }

    void fromPattern(boolean byPattern) {
        fromPattern = byPattern;
    }

    synchronized Instant listedAt() {
        return listedAt;
    }

    /** Only moves forward: a restored or older time never makes a client look listed more recently than it was. */
    synchronized void listedAt(Instant at) {
        if (at != null && (listedAt == null || at.isAfter(listedAt))) {
            listedAt = at;
        }
    }

    /**
     * EMQX listed the client in this poll. A new connection is seen when {@code connected_at} moves forward (this
     * also catches a connection that began and ended between two polls while EMQX kept its session), when the
     * client comes back connected after being offline or absent, and at first sight of a connected client.
     */
    public synchronized long observe(ClientRecord record, Instant pollTime) {
        settleExpiredPendingDrop(pollTime);
        long connectsBefore = seen ? connects : Long.MAX_VALUE; // first sight: not a session events missed
        Instant reportedStart = record.connectedAt();
        if (record.connected() && reportedStart != null && dropKnown(reportedStart.toEpochMilli())) {
            // an event already ended this connection; the poll's snapshot was taken before it
            record = new ClientRecord(record.clientId(), record.username(), false, record.createdAt(), reportedStart,
                    orKeep(lastDisconnect, pollTime), record.keepalive(), record.subscriptions(), record.inflight(),
                    record.counters(), record.invalidFields());
        }
        boolean newerConnection = reportedStart != null && (connectedAt == null || reportedStart.isAfter(connectedAt));
        boolean sameKnownSession = seen && reportedStart != null && reportedStart.equals(connectedAt);
        // A row of an older session (a takeover's stale row, listed alone or reordered; an offline durable session
        // that reports connected_at = created_at) may still tell a disconnect, but its counters are not this session's.
        boolean olderSession = seen && connectedAtReported && reportedStart != null && reportedStart.isBefore(connectedAt);
        if (!olderSession) {
            foldCounters(record, seen && newerConnection, sameKnownSession);
        }
        if (olderSession && sessionFromEvent) {
            // events already told of a newer connection than this poll's snapshot: at most an older session is news
            long key = reportedStart.toEpochMilli();
            if (!ledger().started(key)) {
                connects++;
                events.add(EventRing.Kind.CONNECT, reportedStart, false);
                ledger.markStarted(key);
            }
            if (!dropKnown(key)) {
                // it ended at the latest when the newer one began; its event may still tell why
                countDrop(reportedStart, true, connectedAt, true, null);
            }
            polled = true;
            present = true;
            listedAt(pollTime);
            return Math.max(0, connects - connectsBefore);
        }
        if (seen) {
            trackSessions(record, pollTime, newerConnection);
        } else {
            firstSight(record, pollTime);
        }

        seen = true;
        present = true;
        polled = true;
        listedAt(pollTime);
        connected = record.connected();
        createdAt = orKeep(record.createdAt(), createdAt);
        disconnectedAt = record.connected() ? null : record.disconnectedAt();
        keepalive = orKeep(record.keepalive(), keepalive);
        subscriptions = orKeep(record.subscriptions(), subscriptions);
        inflight = orKeep(record.inflight(), inflight);
        if (record.connected()) {
            lastSeen = pollTime;
        }
        return Math.max(0, connects - connectsBefore);
    }

    /** A successful poll did not list the client: its session is gone (a drop if it was connected). */
    public synchronized void absent(Instant pollTime) {
        absent(pollTime, null);
    }

    /**
     * @param pollStarted when the poll began: a session an event started after that is not in its snapshot, so the
     *                    client's absence from it says nothing about that session
     */
    public synchronized void absent(Instant pollTime, Instant pollStarted) {
        settleExpiredPendingDrop(pollTime);
        if (connected && sessionFromEvent && pollStarted != null && connectedAt != null && connectedAt.isAfter(pollStarted)) {
            polled = true;
            return;
        }
        if (connected) {
            endSession(pollTime, true, null);
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
                endSession(start, true, null);
                startSession(start, startEstimated, false);
            } else {
                startSession(start, startEstimated, true);
            }
            if (!record.connected()) {
                // the new connection ended before this poll too; EMQX still lists its session
                endSession(orKeep(record.disconnectedAt(), pollTime), record.disconnectedAt() == null, null);
            }
        } else if (wasConnected && !record.connected()) {
            endSession(orKeep(record.disconnectedAt(), pollTime), record.disconnectedAt() == null, null);
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
        sessionFromEvent = false;
        if (!estimated) {
            ledger().markStarted(start.toEpochMilli());
        }
    }

    /** The current session ended. @param reason EMQX's reason, null when no event told it (counted as {@code unknown}) */
    private void endSession(Instant at, boolean estimated, String reason) {
        countDrop(connectedAt, connectedAtReported, at, estimated, reason);
        offlineSince = at;
        connected = false;
    }

    /**
     * Counts the drop of the session that began at {@code start} (the current one or an older one).
     *
     * @param startReported {@code start} is EMQX's connected_at, so the session is remembered as ended
     */
    private void countDrop(Instant start, boolean startReported, Instant at, boolean estimated, String reason) {
        disconnects++;
        if (lastDisconnect == null || !at.isBefore(lastDisconnect)) {
            lastDisconnect = at;
        }
        String label = DisconnectReason.label(reason);
        countReason(label);
        events.add(EventRing.Kind.DISCONNECT, at, estimated, label);
        latestDropKey = 0;
        if (start != null && startReported) {
            latestDropKey = start.toEpochMilli();
            ledger().markEnded(latestDropKey, reason == null);
        }
        if (start != null && !at.isBefore(start)) {
            Duration session = Duration.between(start, at);
            sessions.add(session);
            sessionDurations().observe(session);
        }
    }

    /** The session of this connected_at is over: its drop was counted, or is waiting for its reason. */
    private boolean dropKnown(long key) {
        return (ledger != null && ledger.ended(key)) || (pendingDropStart != null && pendingDropStart.toEpochMilli() == key);
    }

    /** The drop of the session that began at {@code start} is certain; its disconnect event may still tell why. */
    private void dropLater(Instant start, Instant endAtTheLatest, Instant now) {
        settlePendingDrop(null, null, true);
        pendingDropStart = start;
        pendingDropEnd = endAtTheLatest;
        pendingDropSince = now;
    }

    /** Counts the waiting drop, with its reason and end when its event told them, else as {@code unknown}. */
    private void settlePendingDrop(String reason, Instant end, boolean endEstimated) {
        if (pendingDropStart == null) {
            return;
        }
        Instant start = pendingDropStart;
        Instant at = end != null ? end : pendingDropEnd;
        pendingDropStart = null;
        pendingDropEnd = null;
        pendingDropSince = null;
        countDrop(start, true, at, end == null || endEstimated, reason);
    }

    private void settleExpiredPendingDrop(Instant now) {
        if (pendingDropSince != null && !now.isBefore(pendingDropSince.plus(PENDING_DROP_GRACE))) {
            settlePendingDrop(null, null, true);
        }
    }

    /** A newer connection began (told by an event): EMQX restarts its counters with it, so the last session's go into the base. */
    private void foldForNewConnection() {
        for (int i = 0; i < base.length; i++) {
            base[i] = saturatedSum(base[i], last[i]);
            last[i] = 0;
        }
    }

    private void countReason(String label) {
        lastDisconnectReason = label;
        if (disconnectsByReason == null) {
            disconnectsByReason = new long[DisconnectReason.LABELS.size()];
        }
        disconnectsByReason[DisconnectReason.index(label)]++;
    }

    private SessionLedger ledger() {
        if (ledger == null) {
            ledger = new SessionLedger();
        }
        return ledger;
    }

    /** What an event did to the client. */
    public enum EventEffect { APPLIED, DUPLICATE }

    /**
     * EMQX announced a connect or a disconnect of this client (research emqx-events.md §4.5). A session is its
     * {@code connected_at}: one already counted, by an event or a poll, is not counted again; an older session's
     * disconnect (a {@code takenover} arriving after the new connect) counts that session's drop without touching
     * the current one; a session whose connect was missed is counted from its disconnect.
     */
    public synchronized EventEffect onEvent(ClientEvent event, Instant now) {
        settleExpiredPendingDrop(now);
        Instant start = event.connectedAtInSeconds() ? sessionOfSecond(event.connectedAt()) : event.connectedAt();
        return event.kind() == ClientEvent.Kind.CONNECTED ? connectedEvent(start, now)
                : disconnectedEvent(start, orKeep(event.disconnectedAt(), now), event.disconnectedAt() == null,
                event.reason());
    }

    /** A connected_at sent in whole seconds names the known session that began in that second, if there is one. */
    private Instant sessionOfSecond(Instant start) {
        if (start == null) {
            return null;
        }
        long second = start.getEpochSecond();
        if (connectedAt != null && connectedAtReported && connectedAt.getEpochSecond() == second) {
            return connectedAt;
        }
        if (pendingDropStart != null && pendingDropStart.getEpochSecond() == second) {
            return pendingDropStart;
        }
        long known = ledger == null ? 0 : ledger.startedInSecond(second);
        return known != 0 ? Instant.ofEpochMilli(known) : start;
    }

    private EventEffect connectedEvent(Instant start, Instant now) {
        long key = start.toEpochMilli();
        if (ledger().started(key) || (connectedAtReported && start.equals(connectedAt))) {
            ledger.markStarted(key);
            return EventEffect.DUPLICATE;
        }
        if (connectedAt == null || start.isAfter(connectedAt) || !connectedAtReported) {
            boolean wasConnected = connected;
            if (connectedAt == null || start.isAfter(connectedAt)) {
                foldForNewConnection();
            }
            if (wasConnected && connectedAtReported) {
                // EMQX ended it by this connect (a takeover); its disconnect event, often later, tells why
                dropLater(connectedAt, start, now);
                connected = false;
            } else if (wasConnected) {
                endSession(start, true, null); // began before any connected_at was known: no event can pair with it
            }
            startSession(start, false, !wasConnected && seen);
            sessionFromEvent = true;
        } else {
            // an older session, delivered late: counted, the current one stays as it is; it ended at the latest when
            // the current one began, and its own disconnect event may still tell why
            connects++;
            events.add(EventRing.Kind.CONNECT, start, false);
            ledger.markStarted(key);
            if (!dropKnown(key)) {
                dropLater(start, connectedAt, now);
            }
        }
        seen = true;
        return EventEffect.APPLIED;
    }

    private EventEffect disconnectedEvent(Instant start, Instant end, boolean endEstimated, String reason) {
        if (start == null) {
            return unpairedDisconnect(end, endEstimated, reason);
        }
        long key = start.toEpochMilli();
        if (pendingDropStart != null && pendingDropStart.toEpochMilli() == key) {
            settlePendingDrop(reason, end, endEstimated);
            return EventEffect.APPLIED;
        }
        if (ledger().ended(key)) {
            // counted already, as unknown when a poll or the next connect saw it first: the reason is still news for
            // the last drop's reason and the recent events (the count stays where it is: counters never go down)
            if (reason != null && ledger.takeReasonSlot(key)) {
                if (key == latestDropKey) {
                    lastDisconnectReason = DisconnectReason.label(reason);
                    events.relabelLatestDrop(reason);
                }
                return EventEffect.APPLIED;
            }
            return EventEffect.DUPLICATE;
        }
        boolean current = connectedAt != null && start.equals(connectedAt) && connectedAtReported;
        if (current && connected) {
            endSession(end, endEstimated, reason);
        } else if (ledger.started(key)) {
            // counted as started (a late connect, a poll) and never ended: this is its drop
            countDrop(start, true, end, endEstimated, reason);
        } else if (connectedAt == null || !connectedAtReported || start.isAfter(connectedAt)) {
            // a whole session whose connect was missed
            if (connectedAt == null || start.isAfter(connectedAt)) {
                foldForNewConnection();
            }
            if (connected) {
                endSession(start, true, null);
            }
            startSession(start, false, seen);
            sessionFromEvent = true;
            endSession(end, endEstimated, reason);
        } else {
            // an older session nobody counted, delivered late: count it, leave the current one alone
            connects++;
            events.add(EventRing.Kind.CONNECT, start, false);
            ledger.markStarted(key);
            countDrop(start, true, end, endEstimated, reason);
        }
        seen = true;
        return EventEffect.APPLIED;
    }

    /** Rule events before EMQX 5.8.6 carry no connected_at on a disconnect: pair by time, never end a newer session. */
    private EventEffect unpairedDisconnect(Instant end, boolean endEstimated, String reason) {
        if (pendingDropStart != null && (DisconnectReason.replaced(reason) || (connectedAt != null && end.isBefore(connectedAt)))) {
            settlePendingDrop(reason, end, endEstimated); // the replaced connection's drop, waiting for just this
            return EventEffect.APPLIED;
        }
        if (!connected || DisconnectReason.replaced(reason) || (connectedAt != null && end.isBefore(connectedAt))) {
            return EventEffect.DUPLICATE;
        }
        endSession(end, endEstimated, reason);
        return EventEffect.APPLIED;
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
                polled, snapshot(sessionDurations), snapshot(offlineDurations), lastDisconnectReason,
                disconnectsByReason == null ? null : disconnectsByReason.clone(), fromPattern);
    }

    private static DurationHistogram.Snapshot snapshot(DurationHistogram histogram) {
        return histogram == null ? DurationHistogram.Snapshot.EMPTY : histogram.snapshot();
    }

    /** A drop still waiting for its reason is stored as counted ({@code unknown}): a restart must not lose it. */
    synchronized StoredClient store() {
        long storedDisconnects = disconnects;
        long[] byReason = disconnectsByReason == null ? null : disconnectsByReason.clone();
        if (pendingDropStart != null) {
            storedDisconnects++;
            if (byReason == null) {
                byReason = new long[DisconnectReason.LABELS.size()];
            }
            byReason[DisconnectReason.index(DisconnectReason.UNKNOWN)]++;
        }
        return new StoredClient(client.clientId(), seen, connected, createdAt, connectedAt, disconnectedAt,
                keepalive, subscriptions, inflight, base.clone(), last.clone(), connects, storedDisconnects, lastSeen,
                lastDisconnect, offlineSince, lastReconnectGap == null ? null : lastReconnectGap.toMillis(),
                sessions.completed(), sessions.shortestMillisRaw(), sessions.longestMillisRaw(),
                sessions.totalMillisRaw(), events.events(), snapshot(sessionDurations), snapshot(offlineDurations),
                lastDisconnectReason, byReason);
    }

    synchronized void restore(StoredClient stored) {
        seen = stored.seen();
        present = false;
        connected = stored.connected();
        lastDisconnectReason = stored.lastDisconnectReason() == null ? null : DisconnectReason.label(stored.lastDisconnectReason());
        if (stored.disconnectsByReason() != null) {
            disconnectsByReason = new long[DisconnectReason.LABELS.size()];
            copyInto(stored.disconnectsByReason(), disconnectsByReason);
        }
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
            stored.events().forEach(e -> events.add(e.kind(), e.at(), e.estimated(), e.reason()));
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
