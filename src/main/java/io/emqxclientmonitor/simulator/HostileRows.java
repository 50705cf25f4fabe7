package io.emqxclientmonitor.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Row-level misbehaviour of a hostile (or buggy) EMQX, off by default: every row listed twice with the same
 * {@code connected_at}, the second copy stale (smaller counters), in an order that flips with every answer; and
 * counters forced to extreme values (near 2^63). Applied to the matching rows before paging, so a duplicate may
 * land on the next page.
 */
public final class HostileRows {
    private volatile boolean flippingDuplicates;
    private volatile boolean ignoringLikeClientId;
    private final AtomicLong answers = new AtomicLong();
    private final Map<String, Map<Counter, Long>> forced = new ConcurrentHashMap<>();

    /** Lists every row twice: the real row and a stale copy of the same session, their order flipping per answer. */
    public HostileRows flippingDuplicates(boolean on) {
        flippingDuplicates = on;
        return this;
    }

    /** Reports this value for the counter of this client (its EMQX JSON key, e.g. {@code recv_msg}) until cleared. */
    public HostileRows forceCounter(String clientId, String jsonKey, long value) {
        Counter counter = Counter.byJsonKey(jsonKey).orElseThrow(() -> new IllegalArgumentException("no counter " + jsonKey));
        forced.computeIfAbsent(clientId, id -> new ConcurrentHashMap<>()).put(counter, value);
        return this;
    }

    /** Answers {@code like_clientid} queries with everyone, as a proxy that drops the parameter would. */
    public HostileRows ignoringLikeClientId(boolean on) {
        ignoringLikeClientId = on;
        return this;
    }

    boolean ignoringLikeClientId() {
        return ignoringLikeClientId;
    }

    public HostileRows clear() {
        ignoringLikeClientId = false;
        flippingDuplicates = false;
        forced.clear();
        return this;
    }

    List<ClientRow> apply(List<ClientRow> rows) {
        if (!flippingDuplicates && forced.isEmpty()) {
            return rows;
        }
        boolean staleFirst = answers.incrementAndGet() % 2 == 0;
        List<ClientRow> out = new ArrayList<>(rows.size() * 2);
        for (ClientRow row : rows) {
            ClientRow real = forced(row);
            if (!flippingDuplicates) {
                out.add(real);
                continue;
            }
            ClientRow stale = withCounters(real, halved(real.counters()));
            out.add(staleFirst ? stale : real);
            out.add(staleFirst ? real : stale);
        }
        return out;
    }

    private ClientRow forced(ClientRow row) {
        Map<Counter, Long> values = forced.get(row.clientId());
        if (values == null) {
            return row;
        }
        long[] counters = row.counters().clone();
        values.forEach((counter, value) -> counters[counter.ordinal()] = value);
        return withCounters(row, counters);
    }

    private static long[] halved(long[] counters) {
        long[] half = new long[counters.length];
        for (int i = 0; i < half.length; i++) {
            half[i] = counters[i] / 2;
        }
        return half;
    }

    private static ClientRow withCounters(ClientRow r, long[] counters) {
        return new ClientRow(r.clientId(), r.username(), r.connected(), r.createdAt(), r.connectedAt(), r.disconnectedAt(),
                r.persistentSession(), r.keepalive(), r.subscriptions(), r.inflight(), r.ipAddress(), r.port(), counters,
                r.onPeerNode());
    }
}
