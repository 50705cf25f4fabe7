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
    private final long[] started = new long[CAPACITY];
    private final long[] ended = new long[CAPACITY];
    /** Per slot of {@link #ended}: the drop was counted without EMQX's reason ({@code unknown}). */
    private final boolean[] endedWithoutReason = new boolean[CAPACITY];
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
            startedForgotten = Math.max(startedForgotten, started[nextStarted]);
            started[nextStarted] = connectedAt;
            nextStarted = (nextStarted + 1) % CAPACITY;
        }
    }

    void markEnded(long connectedAt) {
        markEnded(connectedAt, false);
    }

    /** @param withoutReason the drop was counted as {@code unknown}: its reason may still arrive */
    void markEnded(long connectedAt, boolean withoutReason) {
        if (!ended(connectedAt)) {
            endedForgotten = Math.max(endedForgotten, ended[nextEnded]);
            ended[nextEnded] = connectedAt;
            endedWithoutReason[nextEnded] = withoutReason;
            nextEnded = (nextEnded + 1) % CAPACITY;
        }
    }

    /** The session ended and its drop was counted as {@code unknown}; true once at most (the reason is then known). */
    boolean takeReasonSlot(long connectedAt) {
        for (int i = 0; i < CAPACITY; i++) {
            if (connectedAt != 0 && ended[i] == connectedAt && endedWithoutReason[i]) {
                endedWithoutReason[i] = false;
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
