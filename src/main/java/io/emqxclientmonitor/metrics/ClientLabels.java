package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.config.MetricFlags;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * The label sets of one client's series, built once and reused by every scrape. Only the sets the metric flags
 * use are built (a label set costs ~90 bytes, and there may be 100,000 clients); the others stay null.
 */
final class ClientLabels {
    private static final String[] QOS = {"0", "1", "2"};

    final Labels client;
    final Labels rx;
    final Labels tx;
    final Labels[] rxQos;
    final Labels[] txQos;
    final Labels rxAwaitPubrelTimeout;
    final Labels txExpired;
    final Labels txQueueFull;
    final Labels txTooLarge;

    ClientLabels(String broker, String alias, String clientId, MetricFlags flags) {
        client = Labels.of("alias", alias, "broker", broker, "client_id", clientId);
        boolean qos = flags.processedCounters() && flags.qosSplit();
        boolean reasons = flags.droppedCounters() && flags.reasonSplit();
        boolean directions = flags.processedCounters() || flags.droppedCounters() || flags.bytesMetrics()
                || flags.packetMetrics();
        rx = directions ? client.add("direction", "rx") : null;
        tx = directions ? client.add("direction", "tx") : null;
        rxQos = qos ? new Labels[3] : null;
        txQos = qos ? new Labels[3] : null;
        for (int i = 0; qos && i < 3; i++) {
            rxQos[i] = rx.add("qos", QOS[i]);
            txQos[i] = tx.add("qos", QOS[i]);
        }
        rxAwaitPubrelTimeout = reasons ? rx.add("reason", "await_pubrel_timeout") : null;
        txExpired = reasons ? tx.add("reason", "expired") : null;
        txQueueFull = reasons ? tx.add("reason", "queue_full") : null;
        txTooLarge = reasons ? tx.add("reason", "too_large") : null;
    }
}
