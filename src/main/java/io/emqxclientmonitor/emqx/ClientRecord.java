package io.emqxclientmonitor.emqx;

import java.time.Instant;

/**
 * What EMQX said about one client in one row of {@code GET /api/v5/clients}.
 * Unknown values stay unknown: a missing timestamp is null, a missing number is {@link #UNKNOWN}
 * (EMQX omits counters for some offline durable sessions; they must not read as zero).
 */
public record ClientRecord(String clientId, String username, boolean connected,
                           Instant createdAt, Instant connectedAt, Instant disconnectedAt,
                           long keepalive, long subscriptions, long inflight, long[] counters) {

    public static final long UNKNOWN = -1;

    /** The value of a counter, or {@link #UNKNOWN}. */
    public long counter(EmqxCounter counter) {
        return counters[counter.ordinal()];
    }

    /** Takeover rows: the connected one wins, then the newer connection. */
    public boolean preferredOver(ClientRecord other) {
        if (connected != other.connected) {
            return connected;
        }
        if (connectedAt == null) {
            return false;
        }
        return other.connectedAt == null || connectedAt.isAfter(other.connectedAt);
    }
}
