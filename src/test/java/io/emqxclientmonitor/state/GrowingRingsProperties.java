package io.emqxclientmonitor.state;

import io.emqxclientmonitor.events.DisconnectReason;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The event ring and the session ledger allocate their slots as events come (a steady client keeps one, not the
 * configured N): they must answer exactly as rings that had all N slots from the start.
 */
class GrowingRingsProperties {

    @Property(tries = 300, seed = "20261203")
    void theEventRingKeepsTheLastNEventsAndTheirReasons(@ForAll @IntRange(min = 0, max = 40) int capacity,
                                                        @ForAll @IntRange(min = 0, max = 120) int events,
                                                        @ForAll long seed) {
        Random random = new Random(seed);
        EventRing ring = new EventRing(capacity);
        List<EventRing.Event> model = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            if (random.nextInt(8) == 0) {
                String reason = DisconnectReason.LABELS.get(random.nextInt(DisconnectReason.LABELS.size()));
                ring.relabelLatestDrop(reason);
                for (int j = model.size() - 1; j >= 0; j--) {
                    EventRing.Event e = model.get(j);
                    if (e.kind() == EventRing.Kind.DISCONNECT) {
                        model.set(j, new EventRing.Event(e.kind(), e.at(), e.estimated(), reason));
                        break;
                    }
                }
                continue;
            }
            EventRing.Kind kind = random.nextBoolean() ? EventRing.Kind.CONNECT : EventRing.Kind.DISCONNECT;
            Instant at = Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000));
            boolean estimated = random.nextBoolean();
            String reason = kind == EventRing.Kind.DISCONNECT && random.nextBoolean()
                    ? DisconnectReason.LABELS.get(random.nextInt(DisconnectReason.LABELS.size())) : null;
            ring.add(kind, at, estimated, reason);
            model.add(new EventRing.Event(kind, at, estimated, reason));
            if (model.size() > capacity) {
                model.remove(0);
            }
        }
        List<EventRing.Event> expected = new ArrayList<>(model);
        expected.sort(Comparator.comparing(EventRing.Event::at));
        assertEquals(expected, ring.events());
    }

    @Property(tries = 300, seed = "20261203")
    void theSessionLedgerAnswersAsAFullSizedOne(@ForAll @IntRange(min = 0, max = 60) int steps, @ForAll long seed) {
        Random random = new Random(seed);
        SessionLedger ledger = new SessionLedger();
        FullSizedLedger model = new FullSizedLedger();
        long base = 1_700_000_000_000L;
        for (int i = 0; i < steps; i++) {
            long key = base + random.nextInt(24) * 500L;
            switch (random.nextInt(4)) {
                case 0 -> {
                    ledger.markStarted(key);
                    model.markStarted(key);
                }
                case 1 -> {
                    boolean withoutReason = random.nextBoolean();
                    ledger.markEnded(key, withoutReason);
                    model.markEnded(key, withoutReason);
                }
                case 2 -> assertEquals(model.takeReasonSlot(key), ledger.takeReasonSlot(key));
                default -> assertEquals(model.startedInSecond(key / 1000), ledger.startedInSecond(key / 1000));
            }
            for (int k = 0; k < 24; k++) {
                long probe = base + k * 500L;
                assertEquals(model.started(probe), ledger.started(probe), "started " + probe);
                assertEquals(model.ended(probe), ledger.ended(probe), "ended " + probe);
            }
        }
    }

    /** The ledger as it was before its rings grew: {@link SessionLedger#CAPACITY} slots from the start. */
    private static final class FullSizedLedger {
        private final long[] started = new long[SessionLedger.CAPACITY];
        private final long[] ended = new long[SessionLedger.CAPACITY];
        private final boolean[] endedWithoutReason = new boolean[SessionLedger.CAPACITY];
        private int nextStarted;
        private int nextEnded;
        private long startedForgotten;
        private long endedForgotten;

        boolean started(long key) {
            return key <= startedForgotten || contains(started, key);
        }

        boolean ended(long key) {
            return key <= endedForgotten || contains(ended, key);
        }

        void markStarted(long key) {
            if (!started(key)) {
                startedForgotten = Math.max(startedForgotten, started[nextStarted]);
                started[nextStarted] = key;
                nextStarted = (nextStarted + 1) % started.length;
            }
        }

        void markEnded(long key, boolean withoutReason) {
            if (!ended(key)) {
                endedForgotten = Math.max(endedForgotten, ended[nextEnded]);
                ended[nextEnded] = key;
                endedWithoutReason[nextEnded] = withoutReason;
                nextEnded = (nextEnded + 1) % ended.length;
            }
        }

        boolean takeReasonSlot(long key) {
            for (int i = 0; i < ended.length; i++) {
                if (key != 0 && ended[i] == key && endedWithoutReason[i]) {
                    endedWithoutReason[i] = false;
                    return true;
                }
            }
            return false;
        }

        long startedInSecond(long second) {
            for (long v : started) {
                if (v != 0 && Math.floorDiv(v, 1000) == second) {
                    return v;
                }
            }
            return 0;
        }

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
}
