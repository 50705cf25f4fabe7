package io.emqxclientmonitor.events;

import java.util.List;
import java.util.Set;

/**
 * The {@code reason} label of {@code emqx_client_monitor_disconnects_by_reason_total}: EMQX 5's reason strings
 * (research emqx-events.md §3), {@code unknown} for a drop only a poll saw, and {@code other} for anything else, so
 * that what a broker sends cannot grow the number of series.
 */
public final class DisconnectReason {
    /** A drop no event explained: a poll found the client gone or offline. */
    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";
    public static final List<String> LABELS = List.of(
            "normal", "keepalive_timeout", "tcp_closed", "ssl_closed", "kicked", "discarded", "takenover",
            "not_authorized", "internal_error", "malformed_packet", "protocol_error", "frame_too_large",
            "packet_too_large", "receive_maximum_exceeded", "topic_alias_invalid", "quota_exceeded",
            "disconnect_with_will_message", "econnreset", "etimedout", "closed", "timeout", UNKNOWN, OTHER);
    private static final Set<String> KNOWN = Set.copyOf(LABELS);

    private DisconnectReason() {
    }

    public static String label(String reason) {
        if (reason == null || reason.isEmpty() || reason.equals("undefined")) {
            return UNKNOWN;
        }
        return KNOWN.contains(reason) ? reason : OTHER;
    }

    /** The position of a label in {@link #LABELS}. */
    public static int index(String label) {
        int i = LABELS.indexOf(label);
        return i < 0 ? LABELS.indexOf(OTHER) : i;
    }

    /** Ends a session the client still has under another connection: not a sign that the client went offline. */
    public static boolean replaced(String reason) {
        return "takenover".equals(reason) || "discarded".equals(reason);
    }
}
