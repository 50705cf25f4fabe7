package io.emqxclientmonitor.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A small, lively fleet for the {@code demo} command: a few devices that each show one way an MQTT
 * client looks through EMQX's API, plus some the exporter is not asked about.
 *
 * <p>Behaviour is driven by the fleet clock's wall time, so a tick only has to look at the clock
 * and the current state; call {@link #tick()} about once a second (or after advancing a
 * {@link SteppedClock}).
 */
public final class DemoFleet {

    static final String STEADY_1 = "demo-steady-1";
    static final String STEADY_2 = "demo-steady-2";
    static final String FLAPPER = "demo-flapper";
    static final String SLEEPER = "demo-sleeper";
    static final String GHOST = "demo-ghost";
    static final String TAKEOVER = "demo-takeover";
    static final String AWKWARD = "plant/line 1+&#%-ü";
    static final String NEVER_SEEN = "demo-never-seen";

    static final Duration FLAP_PERIOD = Duration.ofSeconds(7);
    static final int SLEEPER_CYCLE_SECONDS = 60;
    static final int SLEEPER_AWAKE_SECONDS = 5;
    static final int GHOST_CYCLE_SECONDS = 45;
    static final int GHOST_VISIBLE_SECONDS = 3;
    static final int TAKEOVER_CYCLE_SECONDS = 30;
    static final int TAKEOVER_DUPLICATE_SECONDS = 10;
    static final int UNMONITORED_COUNT = 4;

    private static final List<DemoDevice> DEVICES = List.of(
            new DemoDevice("steady-1", STEADY_1, "always connected, publishes one QoS 1 message per second"),
            new DemoDevice("steady-2", STEADY_2,
                    "always connected, publishes and receives every second, drops a message every 10 s"),
            new DemoDevice("flapper", FLAPPER, "reconnects every 7 s, so its counters keep restarting"),
            new DemoDevice("sleeper", SLEEPER, "wakes for 5 s each minute, publishes once, "
                    + "then disconnects keeping a persistent session (listed with connected:false)"),
            new DemoDevice("ghost", GHOST, "connects for 3 s every 45 s without a persistent session, "
                    + "absent from EMQX the rest of the time"),
            new DemoDevice("takeover", TAKEOVER, "connected; for 10 s of every 30 s EMQX lists a second, "
                    + "stale row for it, as during a session takeover across nodes"),
            new DemoDevice("awkward", AWKWARD, "connected, client id full of characters that need URL encoding"),
            new DemoDevice("never-seen", NEVER_SEEN, "never connects; EMQX has never heard of it"));

    private final Fleet fleet;

    public DemoFleet(Clock clock) {
        this.fleet = create(clock);
    }

    public Fleet fleet() {
        return fleet;
    }

    /** Advances this demo fleet to its clock's current time. */
    public void tick() {
        tick(fleet);
    }

    /** The devices the exporter should monitor (including one EMQX never sees). */
    public static List<DemoDevice> devices() {
        return DEVICES;
    }

    /** Connected clients nobody asks the exporter about. */
    public static List<String> unmonitoredClientIds() {
        return IntStream.rangeClosed(1, UNMONITORED_COUNT).mapToObj(i -> "demo-unmonitored-" + i).toList();
    }

    /** A demo fleet in the state its schedule prescribes for the clock's current time. */
    public static Fleet create(Clock clock) {
        Fleet fleet = new Fleet(clock);
        fleet.add(STEADY_1).username("sensor").subscriptions(1);
        fleet.add(STEADY_2).username("sensor").subscriptions(2).inflight(1);
        fleet.add(FLAPPER).keepalive(10);
        fleet.add(SLEEPER).persistentSession(true).keepalive(300).subscriptions(1).publish(1, 1, 120);
        fleet.add(GHOST);
        fleet.add(TAKEOVER).username("gateway").persistentSession(true).subscriptions(3);
        fleet.add(AWKWARD).username("plant operator").subscriptions(1);
        for (String id : unmonitoredClientIds()) {
            fleet.add(id);
        }
        long second = clock.instant().getEpochSecond();
        if (!sleeperAwake(second)) {
            fleet.client(SLEEPER).disconnect(true);
        }
        if (!ghostVisible(second)) {
            fleet.client(GHOST).disconnect(false);
        }
        if (takeoverDuplicated(second)) {
            fleet.client(TAKEOVER).takeoverDuplicate(true);
        }
        return fleet;
    }

    /** Advances a fleet made by {@link #create(Clock)} to its clock's current time. */
    public static void tick(Fleet fleet) {
        Instant now = fleet.clock().instant();
        long second = now.getEpochSecond();

        whenConnected(fleet, STEADY_1, c -> c.publish(1, 1, 48));
        whenConnected(fleet, STEADY_2, c -> {
            c.publish(2, 0, 16).deliver(1, 1, 32);
            if (second % 10 == 0) {
                c.drop("queue_full", 1);
            }
        });
        withClient(fleet, FLAPPER, c -> {
            if (!c.connected() || !now.isBefore(c.connectedAt().plus(FLAP_PERIOD))) {
                c.connect();
            }
            c.publish(1, 0, 8);
        });
        withClient(fleet, SLEEPER, c -> {
            boolean awake = sleeperAwake(second);
            if (awake && !c.connected()) {
                c.connect().publish(1, 1, 120);
            } else if (!awake && c.connected()) {
                c.disconnect(true);
            }
        });
        withClient(fleet, GHOST, c -> {
            boolean visible = ghostVisible(second);
            if (visible && !c.connected()) {
                c.connect().publish(1, 0, 12);
            } else if (!visible && c.connected()) {
                c.disconnect(false);
            }
        });
        withClient(fleet, TAKEOVER, c -> {
            boolean duplicated = takeoverDuplicated(second);
            if (duplicated && !c.showsTakeoverDuplicate()) {
                // The new connection takes the session over; the old one lingers as a stale row.
                c.takeoverDuplicate(true).connect();
            } else if (!duplicated && c.showsTakeoverDuplicate()) {
                c.takeoverDuplicate(false);
            }
            if (c.connected()) {
                c.publish(1, 1, 64);
            }
        });
        whenConnected(fleet, AWKWARD, c -> c.publish(1, 2, 256).deliver(1, 2, 128));
        List<String> unmonitored = unmonitoredClientIds();
        for (int i = 0; i < unmonitored.size(); i++) {
            if (second % 5 == i) {
                whenConnected(fleet, unmonitored.get(i), c -> c.publish(1, 0, 10));
            }
        }
    }

    static boolean sleeperAwake(long epochSecond) {
        return epochSecond % SLEEPER_CYCLE_SECONDS < SLEEPER_AWAKE_SECONDS;
    }

    static boolean ghostVisible(long epochSecond) {
        return epochSecond % GHOST_CYCLE_SECONDS < GHOST_VISIBLE_SECONDS;
    }

    static boolean takeoverDuplicated(long epochSecond) {
        return epochSecond % TAKEOVER_CYCLE_SECONDS >= TAKEOVER_CYCLE_SECONDS - TAKEOVER_DUPLICATE_SECONDS;
    }

    private static void withClient(Fleet fleet, String clientId, Consumer<SimulatedClient> action) {
        SimulatedClient client = fleet.client(clientId);
        if (client != null) {
            action.accept(client);
        }
    }

    private static void whenConnected(Fleet fleet, String clientId, Consumer<SimulatedClient> action) {
        withClient(fleet, clientId, c -> {
            if (c.connected()) {
                action.accept(c);
            }
        });
    }
}
