package io.emqxclientmonitor.events.mqtt;

import java.time.Duration;

/** Delays between connection attempts: doubling from the first to the largest, back to the first on success. */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max.compareTo(first) < 0 ? first : max;
        this.next = first;
    }

    synchronized Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    synchronized void reset() {
        next = first;
    }
}
