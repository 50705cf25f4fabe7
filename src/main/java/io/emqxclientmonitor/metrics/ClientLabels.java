package io.emqxclientmonitor.metrics;

import io.prometheus.metrics.model.snapshots.Labels;

/** The label sets of one client's series, built once and reused by every scrape. */
final class ClientLabels {
    final Labels client;
    final Labels rx;
    final Labels tx;
    final Labels[] rxQos = new Labels[3];
    final Labels[] txQos = new Labels[3];
    final Labels rxAwaitPubrelTimeout;
    final Labels txExpired;
    final Labels txQueueFull;
    final Labels txTooLarge;

    ClientLabels(String broker, String alias, String clientId) {
        client = Labels.of("alias", alias, "broker", broker, "client_id", clientId);
        rx = client.add("direction", "rx");
        tx = client.add("direction", "tx");
        for (int qos = 0; qos < 3; qos++) {
            rxQos[qos] = rx.add("qos", Integer.toString(qos));
            txQos[qos] = tx.add("qos", Integer.toString(qos));
        }
        rxAwaitPubrelTimeout = rx.add("reason", "await_pubrel_timeout");
        txExpired = tx.add("reason", "expired");
        txQueueFull = tx.add("reason", "queue_full");
        txTooLarge = tx.add("reason", "too_large");
    }
}
