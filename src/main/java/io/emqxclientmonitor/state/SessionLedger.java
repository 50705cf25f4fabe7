package io.emqxclientmonitor.state;

/**
 * The last few sessions of one client, by their {@code connected_at} in epoch ms: which were counted as started and
 * which as ended. A session is identified by (client id, {@code connected_at}), so this is what keeps a late, repeated
 * or reordered event, or a poll that lags behind the events, from counting a session twice. Bounded: a client that
 * flaps keeps only its latest {@value #CAPACITY} of each; a session older than one it forgot counts as known, so
 * an event delayed past {@value #CAPACITY} newer sessions is left out (a count is never more than the truth).
 */
final class SessionLedger {
    static final int CAPACITY = 8;
    private static final long[] EMPTY = new long[0];
    /** Each ring grows up to {@link #CAPACITY} as sessions come: a steady client keeps one slot of each. */
    private long[] started = EMPTY;
    private long[] ended = EMPTY;
    /** Bit i: the drop in slot i of {@link #ended} was counted without EMQX's reason ({@code unknown}). */
    private int endedWithoutReason;
    private int nextStarted;
    private int nextEnded;
    /** The newest connected_at pushed out of each ring: anything up to it is taken as known. */
    private long startedForgotten;
    private long endedForgotten;

    boolean started(long connectedAt) {
        return connectedAt <= startedForgotten || contains(started, connectedAt);
    }

    boolean ended(long connectedAt) {
        return connectedAt <= endedForgotten || contains(ended, connectedAt);
    }

    void markStarted(long connectedAt) {
        if (!started(connectedAt)) {
            if (nextStarted == started.length && started.length < CAPACITY) {
                started = grown(started);
            }
            startedForgotten = Math.max(startedForgotten, started[nextStarted]);
            started[nextStarted] = connectedAt;
            nextStarted = (nextStarted + 1) % CAPACITY;
        }
    }

    /** The ring fills slot 0, 1, … before it wraps, so a ring shorter than CAPACITY grows at its end. */
    private static long[] grown(long[] ring) {
        return java.util.Arrays.copyOf(ring, Math.min(CAPACITY, Math.max(1, ring.length * 2)));
    }

    void markEnded(long connectedAt) {
        markEnded(connectedAt, false);
    }

    /** @param withoutReason the drop was counted as {@code unknown}: its reason may still arrive */
    void markEnded(long connectedAt, boolean withoutReason) {
        if (!ended(connectedAt)) {
            if (nextEnded == ended.length && ended.length < CAPACITY) {
                ended = grown(ended);
            }
            endedForgotten = Math.max(endedForgotten, ended[nextEnded]);
            ended[nextEnded] = connectedAt;
            endedWithoutReason = withoutReason ? endedWithoutReason | 1 << nextEnded : endedWithoutReason & ~(1 << nextEnded);
            nextEnded = (nextEnded + 1) % CAPACITY;
        }
    }

    /** The session ended and its drop was counted as {@code unknown}; true once at most (the reason is then known). */
    boolean takeReasonSlot(long connectedAt) {
        for (int i = 0; i < ended.length; i++) {
            if (connectedAt != 0 && ended[i] == connectedAt && (endedWithoutReason & 1 << i) != 0) {
                endedWithoutReason &= ~(1 << i);
                return true;
            }
        }
        return false;
    }

    /** A session remembered as started whose connected_at falls in this epoch second, 0 if none. */
    long startedInSecond(long epochSecond) {
        for (long v : started) {
            if (v != 0 && Math.floorDiv(v, 1000) == epochSecond) {
                return v;
            }
        }
        return 0;
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
