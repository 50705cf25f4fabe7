package io.emqxclientmonitor.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Every request seen on {@code /api/v5/clients}, in arrival order, and how many requests (to any path) were
 * being served at once. Thread-safe.
 */
public final class RequestLog {

    private final List<SeenRequest> seen = new ArrayList<>();
    private int inFlight;
    private int peakInFlight;
    private long bytesServed;

    synchronized void started() {
        inFlight++;
        peakInFlight = Math.max(peakInFlight, inFlight);
    }

    synchronized void finished() {
        inFlight--;
    }

    /** Requests being served now (delayed and hung ones included). */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** The most requests served at the same time since the start or the last {@link #clear()}. */
    public synchronized int peakInFlight() {
        return peakInFlight;
    }

    synchronized void record(SeenRequest request) {
        seen.add(request);
    }

    synchronized void served(long listingBytes) {
        bytesServed += listingBytes;
    }

    /** Bytes of JSON serialized for client listings (EMQX's work per answer) since the start or the last {@link #clear()}. */
    public synchronized long bytesServed() {
        return bytesServed;
    }

    public synchronized int count() {
        return seen.size();
    }

    public synchronized List<SeenRequest> all() {
        return List.copyOf(seen);
    }

    /** The latest request, or null when none was seen. */
    public synchronized SeenRequest last() {
        return seen.isEmpty() ? null : seen.get(seen.size() - 1);
    }

    public synchronized void clear() {
        seen.clear();
        peakInFlight = inFlight;
        bytesServed = 0;
    }
}
