package io.emqxclientmonitor.simulator;

/**
 * Carries one EMQX-shaped client event to the exporter: a webhook POST ({@link WebhookTransport}) or an MQTT
 * publish. {@code topic} is where EMQX would publish it ({@code $SYS/brokers/<node>/clients/<id>/connected}, or
 * {@code $events/client_connected} for a rule's output). Implementations must not throw for a delivery that failed:
 * EMQX loses such an event too.
 */
public interface EventTransport {
    void send(String topic, byte[] payload);
}
