package io.emqxclientmonitor.events;

import java.time.Instant;

/**
 * One connect or disconnect EMQX announced, reduced to what pairs it with a session.
 *
 * @param connectedAt    the start of the connection (both events carry it; rule events before EMQX 5.8.6 do not on a
 *                       disconnect): null when absent
 * @param disconnectedAt when the connection ended (disconnects only), null when absent
 * @param reason         EMQX's reason string (disconnects only), as sent; fold it with {@link DisconnectReason#label}
 * @param connectedAtInSeconds {@code connected_at} was sent in epoch seconds: it names the session of that second
 */
public record ClientEvent(Kind kind, String clientId, Instant connectedAt, Instant disconnectedAt, String reason,
                          boolean connectedAtInSeconds) {
    public enum Kind {
        CONNECTED("connected"), DISCONNECTED("disconnected");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static ClientEvent connected(String clientId, Instant connectedAt) {
        return new ClientEvent(Kind.CONNECTED, clientId, connectedAt, null, null, false);
    }

    public static ClientEvent disconnected(String clientId, Instant connectedAt, Instant disconnectedAt, String reason) {
        return new ClientEvent(Kind.DISCONNECTED, clientId, connectedAt, disconnectedAt, reason, false);
    }

    /** The same event, its {@code connected_at} having been sent in epoch seconds. */
    public ClientEvent inSeconds() {
        return new ClientEvent(kind, clientId, connectedAt, disconnectedAt, reason, true);
    }
}
