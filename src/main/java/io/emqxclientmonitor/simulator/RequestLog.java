package io.emqxclientmonitor.simulator;

import java.util.ArrayList;
import java.util.List;

/** Every request seen on {@code /api/v5/clients}, in arrival order. Thread-safe. */
public final class RequestLog {

    private final List<SeenRequest> seen = new ArrayList<>();

    synchronized void record(SeenRequest request) {
        seen.add(request);
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
    }
}
