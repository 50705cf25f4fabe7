package io.emqxclientmonitor.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A consistent, immutable picture of one monitored client, as the scrape, the JSON API and {@code check} see it.
 *
 * @param seen             EMQX has listed this client at least once (else only {@code connected} is known)
 * @param present          EMQX listed it in the last successful poll
 * @param counters         monotonic totals per {@link io.emqxclientmonitor.emqx.EmqxCounter} ordinal (base + current session)
 * @param lastReconnectGap how long the client was offline before its latest reconnect, when that drop was seen
 * @param polled           a successful poll has been applied to it since it was configured in this process
 * @param sessionDurations completed connections (connect to drop)
 * @param offlineDurations completed offline periods (seen drop to reconnect)
 * @param lastDisconnectReason the latest drop's reason label (EMQX's, {@code unknown} if only a poll saw it), or null
 * @param disconnectsByReason  drops by index of {@link io.emqxclientmonitor.events.DisconnectReason#LABELS}, or null
 * @param fromPattern      watched because it matched the broker's pattern, not listed explicitly
 */
public record ClientView(String broker, String alias, String clientId,
                         boolean seen, boolean present, boolean connected,
                         Instant createdAt, Instant connectedAt, Instant disconnectedAt,
                         long keepalive, long subscriptions, long inflight, long[] counters,
                         long connects, long disconnects,
                         Instant lastSeen, Instant lastDisconnect, Instant offlineSince,
                         Duration lastReconnectGap, long completedSessions,
                         Duration shortestSession, Duration longestSession, Duration averageSession,
                         List<EventRing.Event> recentEvents,
                         boolean polled, DurationHistogram.Snapshot sessionDurations,
                         DurationHistogram.Snapshot offlineDurations,
                         String lastDisconnectReason, long[] disconnectsByReason, boolean fromPattern) {

    /**
     * How the client came to be watched: {@code config} (listed) or {@code pattern}; {@code none} for a client
     * {@code check --all} shows although nobody watches it here (no alias).
     */
    public String source() {
        return fromPattern ? "pattern" : alias == null ? "none" : "config";
    }

    /** Connected; disconnected (EMQX keeps its session); absent (EMQX does not list it); unknown (not polled yet). */
    public enum Presence { CONNECTED, DISCONNECTED, ABSENT, UNKNOWN }

    public long counter(io.emqxclientmonitor.emqx.EmqxCounter counter) {
        return counters[counter.ordinal()];
    }

    public Presence presence() {
        if (!polled) {
            return Presence.UNKNOWN;
        }
        if (connected) {
            return Presence.CONNECTED;
        }
        return present ? Presence.DISCONNECTED : Presence.ABSENT;
    }

    /** Uptime of the current session, or null if not connected. */
    public Duration uptime(Instant now) {
        return connected && connectedAt != null ? Duration.between(connectedAt, now) : null;
    }

    /** Time since the client was last known to go offline, or null if connected or never known. */
    public Duration offlineFor(Instant now) {
        return !connected && offlineSince != null ? Duration.between(offlineSince, now) : null;
    }
}
