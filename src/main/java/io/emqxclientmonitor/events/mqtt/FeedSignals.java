package io.emqxclientmonitor.events.mqtt;

/** What the MQTT feed tells the state about its connection (the {@code emqxEvents} intake in the application). */
public interface FeedSignals {
    /** The subscription is in place (SUBACK granted): the next poll reconciles fully. */
    void feedConnected(String brokerAlias);

    /** The feed is down for {@code reason}; {@code message} says what is wrong and how to fix it. */
    void feedDown(String brokerAlias, String reason, String message);
}
