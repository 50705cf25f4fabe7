package io.emqxclientmonitor.state;

import java.util.concurrent.atomic.AtomicLong;

/** The live event feed of one broker: whether it is up, what it delivered, and what polls found that it missed. */
public final class EventFeedStats {
    private volatile boolean enabled;
    private volatile boolean up;
    private volatile boolean metricsOn;
    private final AtomicLong connected = new AtomicLong();
    private final AtomicLong disconnected = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong missedSessions = new AtomicLong();

    /** The feed is configured for this broker: polls count what it missed. */
    public boolean enabled() {
        return enabled;
    }

    public void enable(boolean on) {
        enabled = on;
    }

    /** The feed is on and metrics.enable-event-metrics: its families are exported. */
    public boolean metricsOn() {
        return metricsOn;
    }

    public void metricsOn(boolean on) {
        metricsOn = on;
    }

    public boolean up() {
        return up;
    }

    /** @return whether this changed the state */
    public boolean up(boolean nowUp) {
        boolean before = up;
        up = nowUp;
        return before != nowUp;
    }

    public void countEvent(boolean isConnect) {
        (isConnect ? connected : disconnected).incrementAndGet();
    }

    public void countInvalid() {
        invalid.incrementAndGet();
    }

    void countMissed(long sessions) {
        if (sessions > 0 && enabled) {
            missedSessions.addAndGet(sessions);
        }
    }

    public long connected() {
        return connected.get();
    }

    public long disconnected() {
        return disconnected.get();
    }

    public long invalid() {
        return invalid.get();
    }

    public long missedSessions() {
        return missedSessions.get();
    }
}
