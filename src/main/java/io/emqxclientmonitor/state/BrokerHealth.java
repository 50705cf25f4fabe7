package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.PollFailure;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;

/** How polling one broker is going: the truth behind {@code up}, staleness and the error counters. */
public final class BrokerHealth {
    private final AtomicLongArray errors = new AtomicLongArray(PollFailure.Reason.values().length);
    private volatile boolean everSucceeded;
    private volatile boolean up;
    private volatile Instant lastSuccess;
    private volatile double lastPollSeconds;
    private volatile int lastPollRequests;
    private volatile PollFailure lastFailure;
    private final java.util.concurrent.atomic.AtomicLong invalidValues = new java.util.concurrent.atomic.AtomicLong();

    void succeeded(Instant at, double seconds, int requests) {
        everSucceeded = true;
        up = true;
        lastSuccess = at;
        lastPollSeconds = seconds;
        lastPollRequests = requests;
        lastFailure = null;
    }

    /** @return the failure before this one (null if the broker was up), to log state changes only */
    PollFailure failed(PollFailure failure, double seconds, int requests) {
        PollFailure previous = lastFailure;
        up = false;
        lastPollSeconds = seconds;
        lastPollRequests = requests;
        lastFailure = failure;
        errors.incrementAndGet(failure.reason().ordinal());
        return previous;
    }

    public boolean everSucceeded() {
        return everSucceeded;
    }

    public boolean up() {
        return up;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public double lastPollSeconds() {
        return lastPollSeconds;
    }

    public int lastPollRequests() {
        return lastPollRequests;
    }

    public PollFailure lastFailure() {
        return lastFailure;
    }

    public long errors(PollFailure.Reason reason) {
        return errors.get(reason.ordinal());
    }

    void countInvalidValues(int count) {
        invalidValues.addAndGet(count);
    }

    /** Values in the rows of monitored clients that were not counts from 0 to 2^53, and were ignored. */
    public long invalidValues() {
        return invalidValues.get();
    }
}
