package io.emqxclientmonitor.state;

import java.time.Instant;
import java.util.List;

/** One client as kept in the state file (see {@link StateFile} for the JSON field names). */
public record StoredClient(String clientId, boolean seen, boolean connected, Instant createdAt, Instant connectedAt,
                           Instant disconnectedAt, long keepalive, long subscriptions, long inflight,
                           long[] base, long[] last, long connects, long disconnects, Instant lastSeen,
                           Instant lastDisconnect, Instant offlineSince, Long lastReconnectGapMillis,
                           long completedSessions, long shortestSessionMillis, long longestSessionMillis,
                           long totalSessionMillis, List<EventRing.Event> events,
                           DurationHistogram.Snapshot sessionDurations, DurationHistogram.Snapshot offlineDurations,
                           String lastDisconnectReason, long[] disconnectsByReason) {

    /** Before the event feed: no reasons. */
    public StoredClient(String clientId, boolean seen, boolean connected, Instant createdAt, Instant connectedAt,
                        Instant disconnectedAt, long keepalive, long subscriptions, long inflight,
                        long[] base, long[] last, long connects, long disconnects, Instant lastSeen,
                        Instant lastDisconnect, Instant offlineSince, Long lastReconnectGapMillis,
                        long completedSessions, long shortestSessionMillis, long longestSessionMillis,
                        long totalSessionMillis, List<EventRing.Event> events,
                        DurationHistogram.Snapshot sessionDurations, DurationHistogram.Snapshot offlineDurations) {
        this(clientId, seen, connected, createdAt, connectedAt, disconnectedAt, keepalive, subscriptions, inflight, base,
                last, connects, disconnects, lastSeen, lastDisconnect, offlineSince, lastReconnectGapMillis,
                completedSessions, shortestSessionMillis, longestSessionMillis, totalSessionMillis, events,
                sessionDurations, offlineDurations, null, null);
    }
}
