package io.emqxclientmonitor.simulator;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Delivers the simulated EMQX's events to a real MQTT broker, the way EMQX does.
 * <ul>
 *   <li>{@code $SYS} mode ({@code republishTopic} null): each event on its own topic
 *   {@code $SYS/brokers/<node>/clients/<id>/connected|disconnected}, QoS 0, not retained, as EMQX publishes
 *   them (research emqx-events.md §1.3). A broker other than EMQX (mosquitto) does not let a client publish to
 *   {@code $SYS}: {@code topicPrefix} puts the events under a plain topic (e.g. {@code sim/$SYS/...}).</li>
 *   <li>Republish mode: every event on the one topic of an EMQX rule's republish action, QoS 1 (§2.4).</li>
 * </ul>
 * An event the broker does not take (it is down) is dropped with a DEBUG line, like EMQX drops a {@code $SYS}
 * message nobody receives: the simulator never stops for it. Reconnects by itself.
 */
public final class MqttEventTransport implements EventTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttEventTransport.class);

    private final MqttClient client;
    private final MqttConnectionOptions options;
    private final String topicPrefix;
    private final String republishTopic;

    private MqttEventTransport(MqttClient client, MqttConnectionOptions options, String topicPrefix,
                               String republishTopic) {
        this.client = client;
        this.options = options;
        this.topicPrefix = topicPrefix == null ? "" : topicPrefix;
        this.republishTopic = republishTopic;
    }

    /** Publishes {@code $SYS}-shaped events under {@code topicPrefix} (empty for the real {@code $SYS} names). */
    public static MqttEventTransport sys(String url, String username, String password, String topicPrefix) {
        return connect(url, username, password, topicPrefix, null);
    }

    /** Publishes every event to {@code topic} with QoS 1, like a rule's republish action. */
    public static MqttEventTransport republish(String url, String username, String password, String topic) {
        return connect(url, username, password, null, topic);
    }

    private static MqttEventTransport connect(String url, String username, String password, String topicPrefix,
                                              String republishTopic) {
        try {
            MqttClient client = new MqttClient(url, "emqx-simulator-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setAutomaticReconnect(true);
            options.setAutomaticReconnectDelay(1, 5);
            options.setConnectionTimeout(5);
            if (username != null) {
                options.setUserName(username);
            }
            if (password != null) {
                options.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            MqttEventTransport transport = new MqttEventTransport(client, options, topicPrefix, republishTopic);
            try {
                client.connect(options);
            } catch (MqttException e) {
                LOG.warn("simulator: cannot connect to the MQTT broker {} ({}): its events are dropped until it is"
                        + " there", url, e.getMessage());
            }
            return transport;
        } catch (MqttException e) {
            throw new IllegalArgumentException("MQTT broker URL " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * One event. {@code topic} is the event's {@code $SYS} topic (ignored in republish mode); {@code payload} the
     * JSON of the matching shape (§1.2 for {@code $SYS}, §2.2 for republish).
     */
    @Override
    public void send(String topic, byte[] payload) {
        String target = republishTopic != null ? republishTopic : topicPrefix + topic;
        int qos = republishTopic != null ? 1 : 0;
        try {
            if (!client.isConnected()) {
                reconnect();
            }
            client.publish(target, payload, qos, false);
        } catch (MqttException | IllegalArgumentException e) {
            // a client id with + or # makes a $SYS topic MQTT does not allow: EMQX publishes it anyway, a client cannot
            LOG.debug("simulator: event on {} not published: {}", target, e.getMessage());
        }
    }

    private void reconnect() {
        try {
            client.connect(options);
        } catch (MqttException e) {
            LOG.debug("simulator: MQTT broker still away: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("simulator: MQTT close: {}", e.getMessage());
        }
    }
}
