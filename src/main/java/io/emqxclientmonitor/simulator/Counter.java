package io.emqxclientmonitor.simulator;

import java.util.Optional;

/**
 * The per-connection counters of an EMQX client row, under their literal (dotted) JSON keys.
 * EMQX keeps them in the connection process, so they all restart at 0 with every new connection.
 */
enum Counter {
    RECV_OCT("recv_oct"),
    RECV_CNT("recv_cnt"),
    RECV_PKT("recv_pkt"),
    RECV_MSG("recv_msg"),
    RECV_MSG_QOS0("recv_msg.qos0"),
    RECV_MSG_QOS1("recv_msg.qos1"),
    RECV_MSG_QOS2("recv_msg.qos2"),
    RECV_MSG_DROPPED("recv_msg.dropped"),
    RECV_MSG_DROPPED_AWAIT_PUBREL_TIMEOUT("recv_msg.dropped.await_pubrel_timeout"),
    SEND_OCT("send_oct"),
    SEND_CNT("send_cnt"),
    SEND_PKT("send_pkt"),
    SEND_MSG("send_msg"),
    SEND_MSG_QOS0("send_msg.qos0"),
    SEND_MSG_QOS1("send_msg.qos1"),
    SEND_MSG_QOS2("send_msg.qos2"),
    SEND_MSG_DROPPED("send_msg.dropped"),
    SEND_MSG_DROPPED_EXPIRED("send_msg.dropped.expired"),
    SEND_MSG_DROPPED_QUEUE_FULL("send_msg.dropped.queue_full"),
    SEND_MSG_DROPPED_TOO_LARGE("send_msg.dropped.too_large"),
    MQUEUE_DROPPED("mqueue_dropped");

    private static final Counter[] RECV_BY_QOS = {RECV_MSG_QOS0, RECV_MSG_QOS1, RECV_MSG_QOS2};
    private static final Counter[] SEND_BY_QOS = {SEND_MSG_QOS0, SEND_MSG_QOS1, SEND_MSG_QOS2};

    private final String jsonKey;

    Counter(String jsonKey) {
        this.jsonKey = jsonKey;
    }

    String jsonKey() {
        return jsonKey;
    }

    static Counter receivedWithQos(int qos) {
        return RECV_BY_QOS[qos];
    }

    static Counter sentWithQos(int qos) {
        return SEND_BY_QOS[qos];
    }

    static Optional<Counter> byJsonKey(String key) {
        for (Counter c : values()) {
            if (c.jsonKey.equals(key)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
