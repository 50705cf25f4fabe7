package io.emqxclientmonitor.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The MQTT clients a simulated EMQX knows about. Thread-safe: the server takes snapshots
 * while tests or the demo mutate clients.
 *
 * <p>The fleet remembers every client added until {@link #remove(String) removed}, including
 * ones currently absent from the listing (disconnected without a session), so they can
 * {@link SimulatedClient#connect() connect} again.
 */
public final class Fleet {

    private final Object lock = new Object();
    private final Clock clock;
    private final TreeMap<String, SimulatedClient> clients = new TreeMap<>(ClientIdOrder.UTF8_BYTES);

    private final HostileRows hostileRows = new HostileRows();
    private volatile FleetEvents events = FleetEvents.NONE;

    /** Tells {@code listener} of every connect and disconnect from now on (e.g. {@link SimulatedEvents}). */
    public void onEvents(FleetEvents listener) {
        events = Objects.requireNonNull(listener, "listener");
    }

    /** Row-level misbehaviour of the listing (duplicates, extreme counters); off until armed. */
    public HostileRows hostileRows() {
        return hostileRows;
    }

    public Fleet(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@code count} connected clients with ids {@code prefix} + a zero-padded number from 0,
     * exactly {@code idLength} characters long. The number takes as many digits as
     * {@code count - 1} needs and fills the gap after the prefix with zeros; if the prefix is
     * too long it is cut short to fit.
     */
    public static Fleet connected(Clock clock, String prefix, int count, int idLength) {
        Objects.requireNonNull(prefix, "prefix");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        int digits = String.valueOf(Math.max(count - 1, 0)).length();
        if (idLength < digits) {
            throw new IllegalArgumentException("idLength " + idLength + " cannot hold " + digits + " digits");
        }
        String head = prefix.length() > idLength - digits ? prefix.substring(0, idLength - digits) : prefix;
        int width = idLength - head.length();
        Fleet fleet = new Fleet(clock);
        for (int i = 0; i < count; i++) {
            fleet.add(head + zeroPadded(i, width));
        }
        return fleet;
    }

    /** A new client, connected now, counters at 0. */
    public SimulatedClient add(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        synchronized (lock) {
            if (clients.containsKey(clientId)) {
                throw new IllegalArgumentException("client already in the fleet: " + clientId);
            }
            SimulatedClient client = new SimulatedClient(lock, clock, clientId, () -> events);
            clients.put(clientId, client);
            return client;
        }
    }

    /** The client with this id, or null. */
    public SimulatedClient client(String clientId) {
        synchronized (lock) {
            return clients.get(clientId);
        }
    }

    /** Forgets the client: its session is gone and it is absent from the listing. */
    public void remove(String clientId) {
        synchronized (lock) {
            SimulatedClient client = clients.remove(clientId);
            if (client != null) {
                client.disconnect(false);
            }
        }
    }

    /** Ids of every client in the fleet, listed or not, in listing order. */
    public List<String> clientIds() {
        synchronized (lock) {
            return List.copyOf(clients.keySet());
        }
    }

    /** Number of clients in the fleet, listed or not. */
    public int size() {
        synchronized (lock) {
            return clients.size();
        }
    }

    public Clock clock() {
        return clock;
    }

    /** All listed rows at this instant, in listing order (by client id bytes). */
    List<ClientRow> snapshot() {
        return snapshot(List.of());
    }

    /**
     * The listed rows of just these client ids (of everyone when empty) at this instant, in
     * listing order. Looking the ids up keeps filtered queries cheap on big fleets.
     */
    List<ClientRow> snapshot(Collection<String> onlyClientIds) {
        synchronized (lock) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Collection<SimulatedClient> selected;
            if (onlyClientIds.isEmpty()) {
                selected = clients.values();
            } else {
                TreeSet<String> ids = new TreeSet<>(ClientIdOrder.UTF8_BYTES);
                ids.addAll(onlyClientIds);
                selected = new ArrayList<>(ids.size());
                for (String id : ids) {
                    SimulatedClient client = clients.get(id);
                    if (client != null) {
                        selected.add(client);
                    }
                }
            }
            List<ClientRow> rows = new ArrayList<>(selected.size());
            for (SimulatedClient client : selected) {
                rows.addAll(client.rowsAt(now));
            }
            return rows;
        }
    }

    private static String zeroPadded(int n, int width) {
        String digits = Integer.toString(n);
        return "0".repeat(Math.max(width - digits.length(), 0)) + digits;
    }
}
