package io.emqxclientmonitor.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One MQTT client as EMQX would list it. All methods are thread-safe: they lock the owning
 * fleet so a listing always sees a consistent fleet.
 *
 * <p>A client is in one of three states: connected; disconnected but still listed because its
 * persistent session lives on ({@code connected:false}, counters frozen); or absent from the
 * listing (never connected with a session, session discarded, or session expired).
 */
public final class SimulatedClient {

    /** Session expiry EMQX applies to {@code clean_session=false} clients by default (2 h). */
    static final Duration PERSISTENT_SESSION_EXPIRY = Duration.ofHours(2);
    /** Bytes added per PUBLISH on top of the payload: fixed header, topic, packet id (an approximation). */
    static final int PUBLISH_OVERHEAD_BYTES = 20;
    /** How much older the stale takeover row claims to be than the live connection. */
    private static final Duration TAKEOVER_ROW_AGE = Duration.ofMinutes(5);
    private static final List<String> SEND_DROP_REASONS = List.of("expired", "queue_full", "too_large");

    private enum Presence { CONNECTED, SESSION_ONLY, ABSENT }

    private final Object lock;
    private final Clock clock;
    private final String clientId;

    private Presence presence;
    private boolean persistentSession;
    private Instant createdAt;
    private Instant connectedAt;
    private Instant disconnectedAt;
    private long[] counters = new long[Counter.values().length];
    private int connections;
    private int subscriptions;
    private int inflight;
    private int keepalive = 60;
    private String username;
    private ClientRow staleTakeoverRow;

    private final java.util.function.Supplier<FleetEvents> events;

    SimulatedClient(Object lock, Clock clock, String clientId) {
        this(lock, clock, clientId, () -> FleetEvents.NONE);
    }

    SimulatedClient(Object lock, Clock clock, String clientId, java.util.function.Supplier<FleetEvents> events) {
        this.lock = lock;
        this.clock = clock;
        this.clientId = clientId;
        this.events = events;
        this.presence = Presence.ABSENT;
        connect();
    }

    public String clientId() {
        return clientId;
    }

    /**
     * A new connection: {@code connected_at} is now and every counter restarts at 0.
     * {@code created_at} survives only if a persistent session was still there to resume.
     */
    public SimulatedClient connect() {
        Instant replaced;
        Instant now;
        boolean cleanStart;
        synchronized (lock) {
            now = now();
            replaced = presence == Presence.CONNECTED ? connectedAt : null;
            cleanStart = !persistentSession;
            expireSessionIfDue(now);
            boolean resumesSession = persistentSession && presence != Presence.ABSENT;
            if (!resumesSession) {
                createdAt = now;
            }
            connectedAt = now;
            disconnectedAt = null;
            presence = Presence.CONNECTED;
            counters = new long[Counter.values().length];
            connections++;
        }
        if (replaced != null) {
            // a new connection with the same id ends the old one: EMQX says takenover (session kept) or discarded
            events.get().disconnected(clientId, replaced, now, cleanStart ? "discarded" : "takenover");
        }
        events.get().connected(clientId, now, cleanStart, keepalive);
        return this;
    }

    /**
     * @param keepSession true: the row stays listed with {@code connected:false} and frozen counters
     *                    (the session becomes persistent if it was not); false: the row disappears.
     *                    Disconnecting a client that is not connected changes nothing.
     */
    public SimulatedClient disconnect(boolean keepSession) {
        return disconnect(keepSession, "normal");
    }

    /** @param reason EMQX's disconnect reason for the event (e.g. {@code keepalive_timeout}, {@code tcp_closed}) */
    public SimulatedClient disconnect(boolean keepSession, String reason) {
        Instant started;
        Instant ended;
        synchronized (lock) {
            if (presence != Presence.CONNECTED) {
                if (!keepSession) {
                    presence = Presence.ABSENT;
                }
                return this;
            }
            disconnectedAt = now();
            started = connectedAt;
            ended = disconnectedAt;
            if (keepSession) {
                persistentSession = true;
                presence = Presence.SESSION_ONLY;
            } else {
                presence = Presence.ABSENT;
            }
        }
        events.get().disconnected(clientId, started, ended, reason);
        return this;
    }

    /**
     * Whether the client connects with a session that outlives the connection
     * ({@code expiry_interval} 7200, {@code clean_start:false}). Turning it off for a
     * disconnected client discards its session.
     */
    public SimulatedClient persistentSession(boolean on) {
        synchronized (lock) {
            persistentSession = on;
            if (!on && presence == Presence.SESSION_ONLY) {
                presence = Presence.ABSENT;
            }
            return this;
        }
    }

    /** Client to broker PUBLISH packets. */
    public SimulatedClient publish(int messages, int qos, int payloadBytes) {
        checkTraffic(messages, qos, payloadBytes);
        synchronized (lock) {
            requireConnected("publish");
            add(Counter.RECV_MSG, messages);
            add(Counter.receivedWithQos(qos), messages);
            add(Counter.RECV_PKT, messages);
            add(Counter.RECV_CNT, messages);
            add(Counter.RECV_OCT, (long) messages * (payloadBytes + PUBLISH_OVERHEAD_BYTES));
            return this;
        }
    }

    /** Broker to client PUBLISH packets. */
    public SimulatedClient deliver(int messages, int qos, int payloadBytes) {
        checkTraffic(messages, qos, payloadBytes);
        synchronized (lock) {
            requireConnected("deliver");
            add(Counter.SEND_MSG, messages);
            add(Counter.sentWithQos(qos), messages);
            add(Counter.SEND_PKT, messages);
            add(Counter.SEND_CNT, messages);
            add(Counter.SEND_OCT, (long) messages * (payloadBytes + PUBLISH_OVERHEAD_BYTES));
            return this;
        }
    }

    /**
     * Dropped messages, counted the way EMQX 5.8 counts them: {@code await_pubrel_timeout} is an
     * incoming drop; {@code expired}, {@code queue_full}, {@code too_large} are outgoing drops with
     * a reason key; {@code qos0} raises only the outgoing total, which is why the total can exceed
     * the sum of its reasons.
     */
    public SimulatedClient drop(String reason, int n) {
        Objects.requireNonNull(reason, "reason");
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0: " + n);
        }
        synchronized (lock) {
            requireConnected("drop");
            if (reason.equals("await_pubrel_timeout")) {
                add(Counter.RECV_MSG_DROPPED, n);
                add(Counter.RECV_MSG_DROPPED_AWAIT_PUBREL_TIMEOUT, n);
            } else if (reason.equals("qos0")) {
                add(Counter.SEND_MSG_DROPPED, n);
            } else if (SEND_DROP_REASONS.contains(reason)) {
                add(Counter.SEND_MSG_DROPPED, n);
                add(Counter.byJsonKey("send_msg.dropped." + reason).orElseThrow(), n);
                if (reason.equals("queue_full")) {
                    add(Counter.MQUEUE_DROPPED, n);
                }
            } else {
                throw new IllegalArgumentException("unknown drop reason: " + reason);
            }
            return this;
        }
    }

    public SimulatedClient subscriptions(int n) {
        requireNonNegative("subscriptions", n);
        synchronized (lock) {
            subscriptions = n;
            return this;
        }
    }

    public SimulatedClient inflight(int n) {
        requireNonNegative("inflight", n);
        synchronized (lock) {
            inflight = n;
            return this;
        }
    }

    public SimulatedClient keepalive(int seconds) {
        requireNonNegative("keepalive", seconds);
        synchronized (lock) {
            keepalive = seconds;
            return this;
        }
    }

    /** null for a client that connected without a user name. */
    public SimulatedClient username(String u) {
        synchronized (lock) {
            username = u;
            return this;
        }
    }

    /**
     * While on, the listing shows two rows for this id, as during a takeover across nodes: the live
     * one, preceded by a stale {@code connected:false} row on another node. The stale row is a copy of
     * the connection as it was when this was switched on, with {@code connected_at} 5 minutes older
     * than that connection's and {@code disconnected_at} at the switch-on time. Switch it on and then
     * {@link #connect()} to imitate a real takeover (the live row then has fresh counters).
     */
    public SimulatedClient takeoverDuplicate(boolean on) {
        synchronized (lock) {
            staleTakeoverRow = on ? staleRowFrom(liveRow(), now()) : null;
            return this;
        }
    }

    public boolean connected() {
        synchronized (lock) {
            return presence == Presence.CONNECTED;
        }
    }

    /** Whether EMQX would list this client at all (connected, or disconnected with a live session). */
    public boolean listed() {
        synchronized (lock) {
            expireSessionIfDue(now());
            return presence != Presence.ABSENT;
        }
    }

    public boolean hasPersistentSession() {
        synchronized (lock) {
            return persistentSession;
        }
    }

    public boolean showsTakeoverDuplicate() {
        synchronized (lock) {
            return staleTakeoverRow != null;
        }
    }

    public Instant connectedAt() {
        synchronized (lock) {
            return connectedAt;
        }
    }

    public Instant createdAt() {
        synchronized (lock) {
            return createdAt;
        }
    }

    /** The last disconnect, or null if the current connection is still up. */
    public Instant disconnectedAt() {
        synchronized (lock) {
            return disconnectedAt;
        }
    }

    public String username() {
        synchronized (lock) {
            return username;
        }
    }

    /** How many connections this client has made since it was added (the first one included). */
    public int connections() {
        synchronized (lock) {
            return connections;
        }
    }

    /** Current value of a counter by its EMQX JSON key, e.g. {@code "recv_msg.qos1"} or {@code "send_oct"}. */
    public long counter(String emqxKey) {
        Counter c = Counter.byJsonKey(emqxKey)
                .orElseThrow(() -> new IllegalArgumentException("not a counter: " + emqxKey));
        synchronized (lock) {
            return counters[c.ordinal()];
        }
    }

    /** The rows this client contributes to a listing at {@code now}; call with the fleet lock held. */
    List<ClientRow> rowsAt(Instant now) {
        expireSessionIfDue(now);
        if (presence == Presence.ABSENT) {
            return List.of();
        }
        ClientRow live = liveRow();
        return staleTakeoverRow == null ? List.of(live) : List.of(staleTakeoverRow, live);
    }

    private ClientRow liveRow() {
        return new ClientRow(clientId, username, presence == Presence.CONNECTED, createdAt, connectedAt,
                presence == Presence.CONNECTED ? null : disconnectedAt, persistentSession, keepalive,
                subscriptions, inflight, ipAddress(), sourcePort(connections), counters.clone(), false);
    }

    private ClientRow staleRowFrom(ClientRow live, Instant takenOverAt) {
        Instant staleConnectedAt = live.connectedAt().minus(TAKEOVER_ROW_AGE);
        Instant staleCreatedAt = live.createdAt().isBefore(staleConnectedAt) ? live.createdAt() : staleConnectedAt;
        return new ClientRow(clientId, username, false, staleCreatedAt, staleConnectedAt, takenOverAt,
                live.persistentSession(), keepalive, subscriptions, inflight, live.ipAddress(),
                sourcePort(connections + 1), live.counters(), true);
    }

    private void expireSessionIfDue(Instant now) {
        if (presence == Presence.SESSION_ONLY
                && !now.isBefore(disconnectedAt.plus(PERSISTENT_SESSION_EXPIRY))) {
            presence = Presence.ABSENT;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void add(Counter c, long n) {
        counters[c.ordinal()] += n;
    }

    private void requireConnected(String action) {
        if (presence != Presence.CONNECTED) {
            throw new IllegalStateException("cannot " + action + ": client " + clientId + " is not connected");
        }
    }

    private String ipAddress() {
        return "10.0.0." + (Math.floorMod(clientId.hashCode(), 250) + 2);
    }

    /** A plausible ephemeral source port that changes with each connection. */
    private int sourcePort(int connection) {
        return 49_152 + Math.floorMod(clientId.hashCode() * 31 + connection * 7_919, 16_000);
    }

    private static void checkTraffic(int messages, int qos, int payloadBytes) {
        requireNonNegative("messages", messages);
        requireNonNegative("payloadBytes", payloadBytes);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
    }

    private static void requireNonNegative(String what, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " must be >= 0: " + n);
        }
    }
}
