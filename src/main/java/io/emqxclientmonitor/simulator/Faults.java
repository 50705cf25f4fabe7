package io.emqxclientmonitor.simulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fault injection for {@code /api/v5/clients}. Each fault applies to the next {@code times}
 * requests ({@link #FOREVER} until {@link #clear() cleared}); arming one again replaces its count.
 * A delay combines with any other fault. Of the other faults one applies per request, the first
 * armed in this order: hang, resetMidBody, nodeDown, internalError, garbage, truncated,
 * unauthorized, forbidden. Only applied faults are used up. Thread-safe.
 */
public final class Faults {

    public static final int FOREVER = Integer.MAX_VALUE;

    private final Map<Fault, Integer> remaining = new EnumMap<>(Fault.class);
    private Duration delay = Duration.ZERO;
    private long clearings;
    private boolean shutDown;

    /** 500 {@code NODE_DOWN}, as when the cluster RPC to another node fails. */
    public Faults nodeDown(int times) {
        return arm(Fault.NODE_DOWN, times);
    }

    /** 500 {@code INTERNAL_ERROR}, as when the handler crashes. */
    public Faults internalError(int times) {
        return arm(Fault.INTERNAL_ERROR, times);
    }

    /** Waits {@code d} before answering (normally, unless another fault applies too). */
    public Faults delay(Duration d, int times) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative delay: " + d);
        }
        synchronized (this) {
            delay = d;
            return arm(Fault.DELAY, times);
        }
    }

    /**
     * Accepts the request and never answers. {@link #clear()} or closing the simulator releases
     * hung requests by dropping their connections, still unanswered. (Note that java.net.http
     * silently retries a GET whose connection drops before any response.)
     */
    public Faults hang(int times) {
        return arm(Fault.HANG, times);
    }

    /** 200 with an HTML body, like a reverse proxy's error page. */
    public Faults garbage(int times) {
        return arm(Fault.GARBAGE, times);
    }

    /** 200 with the listing JSON cut in half; content-length matches the bytes sent. */
    public Faults truncated(int times) {
        return arm(Fault.TRUNCATED, times);
    }

    /** 401 {@code BAD_API_KEY_OR_SECRET} whatever the credentials. */
    public Faults unauthorized(int times) {
        return arm(Fault.UNAUTHORIZED, times);
    }

    /** 403 {@code UNAUTHORIZED_ROLE}, as for an API key without the needed role or scope. */
    public Faults forbidden(int times) {
        return arm(Fault.FORBIDDEN, times);
    }

    /** A 200 whose content-length promises the whole listing, but the connection drops halfway. */
    public Faults resetMidBody(int times) {
        return arm(Fault.RESET_MID_BODY, times);
    }

    /** Disarms everything and releases hung requests. */
    public synchronized Faults clear() {
        remaining.clear();
        delay = Duration.ZERO;
        clearings++;
        notifyAll();
        return this;
    }

    /** Decides, and uses up, the faults for one request. */
    synchronized FaultPlan next() {
        if (remaining.isEmpty()) {
            return FaultPlan.NONE;
        }
        Duration wait = useUp(Fault.DELAY) ? delay : Duration.ZERO;
        Fault outcome = null;
        for (Fault f : Fault.values()) {
            if (f.isOutcome() && useUp(f)) {
                outcome = f;
                break;
            }
        }
        return new FaultPlan(wait, outcome);
    }

    /**
     * Blocks a hung request until {@link #clear()} or {@link #shutDown()}.
     *
     * @return true if released by clear (answer normally), false if the simulator is closing
     */
    synchronized boolean awaitRelease() throws InterruptedException {
        long clearingsAtStart = clearings;
        while (clearings == clearingsAtStart && !shutDown) {
            wait();
        }
        return !shutDown;
    }

    synchronized void shutDown() {
        shutDown = true;
        notifyAll();
    }

    private synchronized Faults arm(Fault fault, int times) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0: " + times);
        }
        if (times == 0) {
            remaining.remove(fault);
        } else {
            remaining.put(fault, times);
        }
        return this;
    }

    private boolean useUp(Fault fault) {
        Integer left = remaining.get(fault);
        if (left == null) {
            return false;
        }
        if (left == FOREVER) {
            return true;
        }
        if (left == 1) {
            remaining.remove(fault);
        } else {
            remaining.put(fault, left - 1);
        }
        return true;
    }
}
