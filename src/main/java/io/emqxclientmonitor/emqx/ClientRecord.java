package io.emqxclientmonitor.emqx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What EMQX said about one client in one row of {@code GET /api/v5/clients}.
 * Unknown values stay unknown: a missing timestamp is null, a missing number is {@link #UNKNOWN}
 * (EMQX omits counters for some offline durable sessions; they must not read as zero).
 *
 * @param invalidFields the numeric fields whose value EMQX sent but that was not a usable number (negative, too large,
 *                      not a number): one bit per {@link #numericFieldName(int) numeric field}; they read as UNKNOWN
 */
public record ClientRecord(String clientId, String username, boolean connected,
                           Instant createdAt, Instant connectedAt, Instant disconnectedAt,
                           long keepalive, long subscriptions, long inflight, long[] counters, long invalidFields) {

    public static final long UNKNOWN = -1;
    /**
     * The largest value a counter takes: 2^53, the largest whole number a Prometheus sample (float64) holds exactly.
     * A client would need 285 years at a million messages a second to get there, so a larger value is garbage.
     */
    public static final long MAX_VALUE = 1L << 53;
    /** Bit numbers of the gauges in {@link #invalidFields()}; the counters use their ordinals. */
    public static final int KEEPALIVE_BIT = EmqxCounter.count();
    public static final int SUBSCRIPTIONS_BIT = KEEPALIVE_BIT + 1;
    public static final int INFLIGHT_BIT = KEEPALIVE_BIT + 2;

    public ClientRecord(String clientId, String username, boolean connected, Instant createdAt, Instant connectedAt,
                        Instant disconnectedAt, long keepalive, long subscriptions, long inflight, long[] counters) {
        this(clientId, username, connected, createdAt, connectedAt, disconnectedAt, keepalive, subscriptions, inflight,
                counters, 0);
    }

    /** The value of a counter, or {@link #UNKNOWN}. */
    public long counter(EmqxCounter counter) {
        return counters[counter.ordinal()];
    }

    /** EMQX's name of the numeric field of this bit of {@link #invalidFields()}. */
    public static String numericFieldName(int bit) {
        if (bit < EmqxCounter.count()) {
            return EmqxCounter.all()[bit].jsonKey();
        }
        return switch (bit - KEEPALIVE_BIT) {
            case 0 -> "keepalive";
            case 1 -> "subscriptions_cnt";
            case 2 -> "inflight_cnt";
            default -> throw new IllegalArgumentException("no numeric field " + bit);
        };
    }

    public List<String> invalidFieldNames() {
        List<String> names = new ArrayList<>();
        for (long bits = invalidFields; bits != 0; bits &= bits - 1) {
            names.add(numericFieldName(Long.numberOfTrailingZeros(bits)));
        }
        return names;
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

    /**
     * What two rows of one client in one answer say together, whatever their order: rows of one session (the same
     * {@code connected_at}: the halves of a takeover, a row repeated in a page or across pages) are merged, each
     * counter taking the larger value (a counter of a session only grows, so the smaller one is stale); of two
     * sessions the connected one, then the newer, wins.
     */
    public static ClientRecord ofOneClient(ClientRecord a, ClientRecord b) {
        if (!Objects.equals(a.connectedAt, b.connectedAt)) {
            if (a.preferredOver(b)) {
                return a;
            }
            return b.preferredOver(a) ? b : a.connectedAt == null ? b : a;
        }
        long[] counters = new long[a.counters.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = Math.max(a.counters[i], b.counters[i]);
        }
        boolean connected = a.connected || b.connected;
        return new ClientRecord(a.clientId,
                a.username == null ? b.username : b.username == null || a.username.compareTo(b.username) <= 0 ? a.username : b.username,
                connected, later(a.createdAt, b.createdAt), a.connectedAt, connected ? null : later(a.disconnectedAt, b.disconnectedAt),
                Math.max(a.keepalive, b.keepalive), Math.max(a.subscriptions, b.subscriptions), Math.max(a.inflight, b.inflight),
                counters, a.invalidFields | b.invalidFields);
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
