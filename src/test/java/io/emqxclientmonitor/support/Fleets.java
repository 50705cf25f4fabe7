package io.emqxclientmonitor.support;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;

import java.time.Duration;
import java.time.Instant;

/** Small fleets with known values, shared by specifications. */
public final class Fleets {
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    public static final String AWKWARD_ID = "plant/line 1+&#%-ü";

    private Fleets() {
    }

    /**
     * room2 (qingping-DEADBEEF5678): connected, traffic in both directions, one subscription;
     * sleeper: connected once, then offline with a persistent session; ghost: never in EMQX;
     * awkward: a client id that needs URL encoding.
     */
    public static EmqxSimulator smallFleet(SteppedClock clock, SimulatorOptions options) {
        Fleet fleet = new Fleet(clock);
        fleet.add("qingping-DEADBEEF5678").subscriptions(1).keepalive(120).publish(40, 0, 200).deliver(3, 1, 10).drop("queue_full", 2);
        fleet.add("sleeper-1").persistentSession(true).publish(1, 1, 50);
        fleet.add(AWKWARD_ID).publish(2, 2, 20);
        fleet.add("someone-else").publish(5, 0, 10);
        clock.advance(Duration.ofSeconds(30));
        fleet.client("sleeper-1").disconnect(true);
        clock.advance(Duration.ofSeconds(30));
        return new EmqxSimulator(fleet, options).start();
    }

    public static final String SMALL_FLEET_CLIENTS =
            "QingpingCO2_Room2=qingping-DEADBEEF5678,Sleeper=sleeper-1,Ghost=ghost-1,Awkward=" + AWKWARD_ID;
}
