package io.emqxclientmonitor.state;

import io.emqxclientmonitor.events.DisconnectReason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last N connect/drop events of a client, in two primitive arrays so that memory stays flat and small
 * (9 bytes per slot) even with 100,000 monitored clients. The arrays grow with the events up to N: a steady
 * client with one connect keeps one slot, not N.
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

    private static final long[] NO_TIMES = new long[0];
    private static final byte[] NO_FLAGS = new byte[0];
    private static final int CONNECT = 1;
    private static final int ESTIMATED = 2;
    /** Above the two flag bits: the reason's index + 1 in DisconnectReason.LABELS, 0 for none. */
    private static final int REASON_SHIFT = 2;

    private final int capacity;
    private long[] epochMillis = NO_TIMES;
    private byte[] flags = NO_FLAGS;
    /** Where the next event goes; equal to the arrays' length while they may still grow. */
    private int next;
    private int size;

    public EventRing(int capacity) {
        this.capacity = Math.max(0, capacity);
    }

    public void add(Kind kind, Instant at) {
        add(kind, at, false);
    }

    public void add(Kind kind, Instant at, boolean estimated) {
        add(kind, at, estimated, null);
    }

    public void add(Kind kind, Instant at, boolean estimated, String reason) {
        if (capacity == 0) {
            return;
        }
        if (size == epochMillis.length && size < capacity) {
            // never wrapped yet (next == size): growing keeps the order
            int grown = Math.min(capacity, Math.max(2, size * 2));
            epochMillis = Arrays.copyOf(epochMillis, grown);
            flags = Arrays.copyOf(flags, grown);
        }
        if (next == epochMillis.length) {
            next = 0;
        }
        epochMillis[next] = at.toEpochMilli();
        flags[next] = (byte) ((kind == Kind.CONNECT ? CONNECT : 0) | (estimated ? ESTIMATED : 0)
                | reasonCode(reason) << REASON_SHIFT);
        next++;
        size = Math.min(size + 1, epochMillis.length);
    }

    private static int reasonCode(String reason) {
        return reason == null ? 0 : DisconnectReason.index(DisconnectReason.label(reason)) + 1;
    }

    /** The reason of the drop added last, now that EMQX told it (the drop itself is not counted again). */
    public void relabelLatestDrop(String reason) {
        for (int i = 1; i <= size; i++) {
            int slot = (next - i + epochMillis.length) % epochMillis.length;
            if ((flags[slot] & CONNECT) == 0) {
                flags[slot] = (byte) ((flags[slot] & (CONNECT | ESTIMATED)) | reasonCode(reason) << REASON_SHIFT);
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
                    reason(flags[slot])));
        }
        events.sort(java.util.Comparator.comparing(Event::at));
        return events;
    }

    private static String reason(byte flags) {
        int code = (flags & 0xff) >>> REASON_SHIFT;
        return code == 0 ? null : DisconnectReason.LABELS.get(code - 1);
    }
}
