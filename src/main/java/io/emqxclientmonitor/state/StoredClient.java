package io.emqxclientmonitor.state;

import java.time.Instant;
import java.util.List;

/** One client as written to the state file; field names are the file format, keep them stable. */
public record StoredClient(String clientId, boolean seen, boolean connected, Instant createdAt, Instant connectedAt,
                           Instant disconnectedAt, long keepalive, long subscriptions, long inflight,
                           long[] base, long[] last, long connects, long disconnects, Instant lastSeen,
                           Instant lastDisconnect, Instant offlineSince, Long lastReconnectGapMillis,
                           long completedSessions, long shortestSessionMillis, long longestSessionMillis,
                           long totalSessionMillis, List<EventRing.Event> events) {
}
