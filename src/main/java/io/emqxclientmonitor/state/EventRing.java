package io.emqxclientmonitor.state;

import io.emqxclientmonitor.events.DisconnectReason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last N connect/drop events of a client, in two primitive arrays so that memory stays flat and small
 * (10 bytes per slot) even with 100,000 monitored clients.
 */
public final class EventRing {
    public enum Kind { CONNECT, DISCONNECT }

    /**
     * @param estimated the time is the exporter's estimate (the poll that noticed it, or the start of the session
     *                  that replaced it), not a timestamp EMQX reported
     */
    /** @param reason the drop's {@code reason} label (see DisconnectReason), null for a connect or when not known */
    public record Event(Kind kind, Instant at, boolean estimated, String reason) {
        public Event(Kind kind, Instant at) {
            this(kind, at, false, null);
        }

        public Event(Kind kind, Instant at, boolean estimated) {
            this(kind, at, estimated, null);
        }
    }

    private static final byte CONNECT = 1;
    private static final byte ESTIMATED = 2;

    private final long[] epochMillis;
    private final byte[] flags;
    /** Index + 1 in DisconnectReason.LABELS, 0 for none. */
    private final byte[] reasons;
    private int next;
    private int size;

    public EventRing(int capacity) {
        epochMillis = new long[Math.max(0, capacity)];
        flags = new byte[Math.max(0, capacity)];
        reasons = new byte[Math.max(0, capacity)];
    }

    public void add(Kind kind, Instant at) {
        add(kind, at, false);
    }

    public void add(Kind kind, Instant at, boolean estimated) {
        add(kind, at, estimated, null);
    }

    public void add(Kind kind, Instant at, boolean estimated, String reason) {
        if (epochMillis.length == 0) {
            return;
        }
        epochMillis[next] = at.toEpochMilli();
        flags[next] = (byte) ((kind == Kind.CONNECT ? CONNECT : 0) | (estimated ? ESTIMATED : 0));
        reasons[next] = (byte) (reason == null ? 0 : DisconnectReason.index(DisconnectReason.label(reason)) + 1);
        next = (next + 1) % epochMillis.length;
        size = Math.min(size + 1, epochMillis.length);
    }

    /** The reason of the drop added last, now that EMQX told it (the drop itself is not counted again). */
    public void relabelLatestDrop(String reason) {
        for (int i = 1; i <= size; i++) {
            int slot = (next - i + epochMillis.length) % epochMillis.length;
            if ((flags[slot] & CONNECT) == 0) {
                reasons[slot] = (byte) (DisconnectReason.index(DisconnectReason.label(reason)) + 1);
                return;
            }
        }
    }

    /** Oldest first, by time (a late event is told where it happened; equal times in the order they were added). */
    public List<Event> events() {
        List<Event> events = new ArrayList<>(size);
        int start = (next - size + epochMillis.length) % Math.max(1, epochMillis.length);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % epochMillis.length;
            events.add(new Event((flags[slot] & CONNECT) != 0 ? Kind.CONNECT : Kind.DISCONNECT,
                    Instant.ofEpochMilli(epochMillis[slot]), (flags[slot] & ESTIMATED) != 0,
                    reasons[slot] == 0 ? null : DisconnectReason.LABELS.get(reasons[slot] - 1)));
        }
        events.sort(java.util.Comparator.comparing(Event::at));
        return events;
    }
}
