package io.emqxclientmonitor.simulator;

import java.time.Instant;

/**
 * An immutable copy of one row of the {@code /clients} listing, taken under the fleet lock.
 *
 * @param disconnectedAt null while connected
 * @param onPeerNode     true for the stale row of a takeover, which lives on another node
 * @param counters       indexed by {@link Counter#ordinal()}; never modified after construction
 */
record ClientRow(String clientId, String username, boolean connected, Instant createdAt, Instant connectedAt,
                 Instant disconnectedAt, boolean persistentSession, int keepalive, int subscriptions,
                 int inflight, String ipAddress, int port, long[] counters, boolean onPeerNode) {

    long counter(Counter c) {
        return counters[c.ordinal()];
    }
}
