package io.emqxclientmonitor.emqx;

/**
 * EMQX's per-connection traffic counters, by their flat JSON keys (the dots are part of the key, not nesting).
 * They restart at zero with every new connection of the client.
 */
public enum EmqxCounter {
    RECV_MSG("recv_msg"),
    SEND_MSG("send_msg"),
    RECV_MSG_QOS0("recv_msg.qos0"),
    RECV_MSG_QOS1("recv_msg.qos1"),
    RECV_MSG_QOS2("recv_msg.qos2"),
    SEND_MSG_QOS0("send_msg.qos0"),
    SEND_MSG_QOS1("send_msg.qos1"),
    SEND_MSG_QOS2("send_msg.qos2"),
    RECV_MSG_DROPPED("recv_msg.dropped"),
    SEND_MSG_DROPPED("send_msg.dropped"),
    RECV_MSG_DROPPED_AWAIT_PUBREL_TIMEOUT("recv_msg.dropped.await_pubrel_timeout"),
    SEND_MSG_DROPPED_EXPIRED("send_msg.dropped.expired"),
    SEND_MSG_DROPPED_QUEUE_FULL("send_msg.dropped.queue_full"),
    SEND_MSG_DROPPED_TOO_LARGE("send_msg.dropped.too_large"),
    RECV_OCT("recv_oct"),
    SEND_OCT("send_oct"),
    RECV_PKT("recv_pkt"),
    SEND_PKT("send_pkt");

    private static final EmqxCounter[] ALL = values();

    private final String jsonKey;

    EmqxCounter(String jsonKey) {
        this.jsonKey = jsonKey;
    }

    public String jsonKey() {
        return jsonKey;
    }

    public static EmqxCounter[] all() {
        return ALL;
    }

    public static int count() {
        return ALL.length;
    }
}
