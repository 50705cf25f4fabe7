package io.emqxclientmonitor.simulator;

import java.time.Instant;

/** Told of every connect and disconnect the simulated fleet performs (see {@link Fleet#onEvents}). */
public interface FleetEvents {
    FleetEvents NONE = new FleetEvents() {
        @Override
        public void connected(String clientId, Instant connectedAt, boolean cleanStart, int keepalive) {
        }

        @Override
        public void disconnected(String clientId, Instant connectedAt, Instant disconnectedAt, String reason) {
        }
    };

    void connected(String clientId, Instant connectedAt, boolean cleanStart, int keepalive);

    void disconnected(String clientId, Instant connectedAt, Instant disconnectedAt, String reason);
}
