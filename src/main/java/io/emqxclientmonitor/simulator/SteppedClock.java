package io.emqxclientmonitor.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that only moves when told to. Thread-safe; zone UTC. */
public final class SteppedClock extends Clock {

    private final AtomicReference<Instant> now;

    public SteppedClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** A view in another zone that still follows this clock's steps. */
    @Override
    public Clock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(ZoneOffset.UTC) ? this : new ZonedView(this, zone);
    }

    private static final class ZonedView extends Clock {
        private final SteppedClock source;
        private final ZoneId zone;

        ZonedView(SteppedClock source, ZoneId zone) {
            this.source = source;
            this.zone = zone;
        }

        @Override
        public Instant instant() {
            return source.instant();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return source.withZone(other);
        }
    }
}
