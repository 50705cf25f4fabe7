package io.emqxclientmonitor.events.mqtt;

import javax.net.SocketFactory;
import java.time.Duration;

/**
 * The MQTT feed of one broker, as the connection needs it.
 *
 * @param socketFactory   for ssl:// with a CA bundle or without checks; null for the JVM's defaults
 * @param verifyHostname  false only with emqx.events.mqtt.insecure
 */
public record MqttFeedSettings(String brokerAlias, String url, String clientId, String username, String password,
                               String topic, Duration sessionExpiry, Duration keepAlive, Duration connectTimeout,
                               SocketFactory socketFactory, boolean verifyHostname,
                               Duration firstRetryDelay, Duration maxRetryDelay) {

    /** The username for messages (never the password). */
    String usernameForMessages() {
        return username == null ? "(none)" : username;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "MqttFeedSettings[broker=" + brokerAlias + ", url=" + url + ", clientId=" + clientId + ", username="
                + username + ", topic=" + topic + "]";
    }
}
