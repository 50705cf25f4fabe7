package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.events.ClientEvent;
import io.emqxclientmonitor.events.DisconnectReason;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client's true sessions (some replaced by a takeover, the old one's disconnect then emitted after the new
 * connect), told by an event feed that loses 30 % of the events and duplicates, delays and reorders the others, and by
 * polls whose snapshots lag behind the events. Invariants: every session either source saw is counted exactly once,
 * never more than the truth; connects, disconnects and message counters never decrease; the message total never
 * exceeds the truth and keeps every value a poll reported of a session no newer one had replaced; a reason is counted only for drops that had it; once
 * everything is delivered and a fresh poll applied, the client's presence is the truth's. Seeded and bounded.
 */
class EventFeedProperties {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final int MAX_DELAY = 3;

    private record Truth(List<Integer> starts, List<Integer> ends, List<Boolean> takenOver) {
    }

    @Property(tries = 300, seed = "20261202")
    void everySessionEitherSourceSawIsCountedExactlyOnce(@ForAll @IntRange(min = 1, max = 20) int sessions,
                                                         @ForAll long seed) {
        Random random = new Random(seed);
        // moments: session i connects at 10*i+1; it ends before the next or is taken over by it
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        List<Boolean> takenOver = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            starts.add(10 * i + 1);
            boolean takeover = i < sessions - 1 && random.nextInt(4) == 0;
            takenOver.add(takeover);
            ends.add(takeover ? 10 * (i + 1) + 1 : 10 * i + 2 + random.nextInt(7));
        }
        boolean lastStaysConnected = random.nextBoolean();
        if (lastStaysConnected) {
            ends.set(sessions - 1, Integer.MAX_VALUE);
        }
        int horizon = 10 * sessions + 5;

        // emitted events, each delivered (or not) at a later moment
        TreeMap<Integer, List<ClientEvent>> deliveries = new TreeMap<>();
        Set<Integer> seenByEvents = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            Instant start = T0.plusSeconds(starts.get(i));
            int emitConnect = starts.get(i);
            deliver(random, deliveries, emitConnect, ClientEvent.connected("c", start), seenByEvents, i);
            if (ends.get(i) != Integer.MAX_VALUE) {
                int emitDrop = takenOver.get(i) ? ends.get(i) + 1 : ends.get(i); // after the new connect
                deliver(random, deliveries, emitDrop, ClientEvent.disconnected("c", start, T0.plusSeconds(ends.get(i)),
                        takenOver.get(i) ? "takenover" : "normal"), seenByEvents, i);
            }
        }
        // polls: snapshot at moment p, applied at p + lag
        TreeMap<Integer, List<Integer>> polls = new TreeMap<>();
        for (int p = 0; p < horizon; p++) {
            if (random.nextInt(7) == 0) {
                polls.computeIfAbsent(p + random.nextInt(3), k -> new ArrayList<>()).add(p);
            }
        }

        ClientState client = new ClientState("emqx", new MonitoredClient("dev", "c"), 4);
        java.util.Map<Integer, Long> polledMax = new java.util.HashMap<>();
        Set<Integer> seenByPolls = polledMax.keySet();
        long receivedBefore = 0;
        long connectsBefore = 0;
        long disconnectsBefore = 0;
        for (int moment = 0; moment <= horizon + MAX_DELAY + 3; moment++) {
            List<ClientEvent> now = new ArrayList<>(deliveries.getOrDefault(moment, List.of()));
            Collections.shuffle(now, random);
            List<Integer> snapshots = polls.getOrDefault(moment, List.of());
            int pollsFirst = random.nextInt(2);
            if (pollsFirst == 1) {
                applyPolls(client, snapshots, starts, ends, polledMax, moment);
            }
            for (ClientEvent event : now) {
                client.onEvent(event, T0.plusSeconds(moment));
            }
            if (pollsFirst == 0) {
                applyPolls(client, snapshots, starts, ends, polledMax, moment);
            }
            ClientView view = client.view();
            assertTrue(view.connects() >= connectsBefore && view.disconnects() >= disconnectsBefore, "monotonic");
            assertTrue(view.counter(EmqxCounter.RECV_MSG) >= receivedBefore, "the message counter is monotonic");
            connectsBefore = view.connects();
            disconnectsBefore = view.disconnects();
            receivedBefore = view.counter(EmqxCounter.RECV_MSG);
        }
        int last = horizon + MAX_DELAY + 4;
        applyPolls(client, List.of(last), starts, ends, polledMax, last);

        Set<Integer> seen = new HashSet<>(seenByEvents);
        seen.addAll(seenByPolls);
        ClientView view = client.view();
        assertTrue(view.connects() <= sessions, "never more than the truth");
        assertEquals(seen.size(), view.connects(), "every session seen by a source, exactly once");
        assertEquals(lastStaysConnected, view.connected(), "the presence ends as the truth's");
        assertTrue(view.disconnects() <= view.connects());
        long[] byReason = view.disconnectsByReason();
        long sum = 0;
        for (long n : byReason == null ? new long[0] : byReason) {
            sum += n;
        }
        assertEquals(view.disconnects(), sum, "every drop has one reason label");

        long truthReceived = 0;
        long takeovers = 0;
        long normals = 0;
        for (int i = 0; i < sessions; i++) {
            truthReceived += Math.min(ends.get(i), last) - starts.get(i);
            if (ends.get(i) != Integer.MAX_VALUE) {
                if (takenOver.get(i)) {
                    takeovers++;
                } else {
                    normals++;
                }
            }
        }
        long received = view.counter(EmqxCounter.RECV_MSG);
        assertTrue(received <= truthReceived, "messages never more than the truth: " + received + " > " + truthReceived);
        long polledSum = polledMax.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(received >= polledSum, "every value a poll reported of a session not yet replaced stays in the total: "
                + received + " < " + polledSum);
        long[] reasons = byReason == null ? new long[DisconnectReason.LABELS.size()] : byReason;
        assertTrue(reasons[DisconnectReason.index("takenover")] <= takeovers, "takenover only for takeovers");
        assertTrue(reasons[DisconnectReason.index("normal")] <= normals, "normal only for normal drops");
    }

    private static void deliver(Random random, TreeMap<Integer, List<ClientEvent>> deliveries, int emitted,
                                ClientEvent event, Set<Integer> seen, int session) {
        if (random.nextInt(10) < 3) {
            return; // lost
        }
        seen.add(session);
        int copies = random.nextInt(4) == 0 ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            deliveries.computeIfAbsent(emitted + random.nextInt(MAX_DELAY + 1), k -> new ArrayList<>()).add(event);
        }
    }

    /** A clean-session client: EMQX lists it only while connected; it receives one message a moment. */
    private static void applyPolls(ClientState client, List<Integer> snapshots, List<Integer> starts, List<Integer> ends,
                                   java.util.Map<Integer, Long> polledMax, int appliedAt) {
        for (int snapshot : snapshots) {
            Integer live = null;
            for (int i = 0; i < starts.size(); i++) {
                if (starts.get(i) <= snapshot && snapshot < ends.get(i)) {
                    live = i; // a takeover's new connection wins over the old one it replaces
                }
            }
            if (live == null) {
                client.absent(T0.plusSeconds(appliedAt), T0.plusSeconds(snapshot));
            } else {
                long received = snapshot - starts.get(live);
                Instant known = client.view().connectedAt();
                if (known == null || !T0.plusSeconds(starts.get(live)).isBefore(known)) {
                    // a snapshot of a session older than one already known is a stale row: by design it counts nothing
                    polledMax.merge(live, received, Math::max);
                }
                long[] counters = new long[EmqxCounter.count()];
                counters[EmqxCounter.RECV_MSG.ordinal()] = received;
                client.observe(new ClientRecord("c", null, true, T0.plusSeconds(starts.get(live)),
                        T0.plusSeconds(starts.get(live)), null, 60, 0, 0, counters), T0.plusSeconds(appliedAt));
            }
        }
    }
}
