package io.emqxclientmonitor.state;

/**
 * The last few sessions of one client, by their {@code connected_at} in epoch ms: which were counted as started and
 * which as ended. A session is identified by (client id, {@code connected_at}), so this is what keeps a late, repeated
 * or reordered event, or a poll that lags behind the events, from counting a session twice. Bounded: a client that
 * flaps keeps only its latest {@value #CAPACITY} of each.
 */
final class SessionLedger {
    static final int CAPACITY = 8;
    private final long[] started = new long[CAPACITY];
    private final long[] ended = new long[CAPACITY];
    private int nextStarted;
    private int nextEnded;

    boolean started(long connectedAt) {
        return contains(started, connectedAt);
    }

    boolean ended(long connectedAt) {
        return contains(ended, connectedAt);
    }

    void markStarted(long connectedAt) {
        if (!started(connectedAt)) {
            started[nextStarted] = connectedAt;
            nextStarted = (nextStarted + 1) % CAPACITY;
        }
    }

    void markEnded(long connectedAt) {
        if (!ended(connectedAt)) {
            ended[nextEnded] = connectedAt;
            nextEnded = (nextEnded + 1) % CAPACITY;
        }
    }

    /** 0 is never a connected_at (EMQX's are epoch ms since 2015), so it marks an empty slot. */
    private static boolean contains(long[] values, long value) {
        if (value == 0) {
            return false;
        }
        for (long v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
