package io.emqxclientmonitor.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last N connect/drop events of a client, in two primitive arrays so that memory stays flat and small
 * (16 bytes per slot) even with 100,000 monitored clients.
 */
public final class EventRing {
    public enum Kind { CONNECT, DISCONNECT }

    public record Event(Kind kind, Instant at) {
    }

    private final long[] epochMillis;
    private final boolean[] connects;
    private int next;
    private int size;

    public EventRing(int capacity) {
        epochMillis = new long[Math.max(0, capacity)];
        connects = new boolean[Math.max(0, capacity)];
    }

    public void add(Kind kind, Instant at) {
        if (epochMillis.length == 0) {
            return;
        }
        epochMillis[next] = at.toEpochMilli();
        connects[next] = kind == Kind.CONNECT;
        next = (next + 1) % epochMillis.length;
        size = Math.min(size + 1, epochMillis.length);
    }

    /** Oldest first. */
    public List<Event> events() {
        List<Event> events = new ArrayList<>(size);
        int start = (next - size + epochMillis.length) % Math.max(1, epochMillis.length);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % epochMillis.length;
            events.add(new Event(connects[slot] ? Kind.CONNECT : Kind.DISCONNECT, Instant.ofEpochMilli(epochMillis[slot])));
        }
        return events;
    }
}
