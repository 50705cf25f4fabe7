package io.emqxclientmonitor.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last N connect/drop events of a client, in two primitive arrays so that memory stays flat and small
 * (9 bytes per slot) even with 100,000 monitored clients.
 */
public final class EventRing {
    public enum Kind { CONNECT, DISCONNECT }

    /**
     * @param estimated the time is the exporter's estimate (the poll that noticed it, or the start of the session
     *                  that replaced it), not a timestamp EMQX reported
     */
    public record Event(Kind kind, Instant at, boolean estimated) {
        public Event(Kind kind, Instant at) {
            this(kind, at, false);
        }
    }

    private static final byte CONNECT = 1;
    private static final byte ESTIMATED = 2;

    private final long[] epochMillis;
    private final byte[] flags;
    private int next;
    private int size;

    public EventRing(int capacity) {
        epochMillis = new long[Math.max(0, capacity)];
        flags = new byte[Math.max(0, capacity)];
    }

    public void add(Kind kind, Instant at) {
        add(kind, at, false);
    }

    public void add(Kind kind, Instant at, boolean estimated) {
        if (epochMillis.length == 0) {
            return;
        }
        epochMillis[next] = at.toEpochMilli();
        flags[next] = (byte) ((kind == Kind.CONNECT ? CONNECT : 0) | (estimated ? ESTIMATED : 0));
        next = (next + 1) % epochMillis.length;
        size = Math.min(size + 1, epochMillis.length);
    }

    /** Oldest first. */
    public List<Event> events() {
        List<Event> events = new ArrayList<>(size);
        int start = (next - size + epochMillis.length) % Math.max(1, epochMillis.length);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % epochMillis.length;
            events.add(new Event((flags[slot] & CONNECT) != 0 ? Kind.CONNECT : Kind.DISCONNECT,
                    Instant.ofEpochMilli(epochMillis[slot]), (flags[slot] & ESTIMATED) != 0));
        }
        return events;
    }
}
