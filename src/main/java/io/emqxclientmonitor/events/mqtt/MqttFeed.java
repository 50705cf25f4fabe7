package io.emqxclientmonitor.events.mqtt;

import org.apache.camel.Service;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT connection of one broker's event feed, handed to the {@code paho-mqtt5} consumer of the route as its
 * {@code client}. The consumer turns messages into exchanges; this class owns the connection, because the consumer
 * connects only once (a broker that is down at start would fail the route, and with it the exporter), ignores
 * SUBACK reason codes and reports nothing about why a connection fails.
 * <p>
 * One loop does it all, on a thread of its own: connect (persistent session: clean start off, a session expiry),
 * subscribe, check the SUBACK; on any failure tell the state why ({@link FeedSignals#feedDown}) and try again with
 * a backoff; after every successful subscription {@link FeedSignals#feedConnected}, so that the next poll
 * reconciles what was missed meanwhile. Paho's own automatic reconnect is off: it does not retry a failed first
 * connect and says nothing about why a reconnect fails.
 */
public final class MqttFeed implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(MqttFeed.class);
    private static final int SUBACK_FAILURE = 0x80;

    private final MqttFeedSettings settings;
    private final FeedSignals signals;
    private final FeedClient client;
    private final Backoff backoff;
    private final ScheduledExecutorService loop;
    private volatile boolean running;
    private volatile String topic;
    private volatile int qos;
    /** The reason last reported down, null while connected. */
    private volatile String lastReason;

    public MqttFeed(MqttFeedSettings settings, FeedSignals signals) {
        this.settings = settings;
        this.signals = signals;
        this.backoff = new Backoff(settings.firstRetryDelay(), settings.maxRetryDelay());
        try {
            this.client = new FeedClient(settings.url(), settings.clientId());
        } catch (MqttException e) {
            throw new IllegalArgumentException("emqx.events.mqtt.url " + settings.url() + ": " + e.getMessage(), e);
        }
        this.loop = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "emqx-events-mqtt-" + settings.brokerAlias());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The client to bind for the route's {@code paho-mqtt5} endpoint. */
    public MqttClient client() {
        return client;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        loop.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            LOG.debug("broker {}: MQTT disconnect at stop: {}", settings.brokerAlias(), e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("broker {}: MQTT close at stop: {}", settings.brokerAlias(), e.getMessage());
        }
    }

    private void schedule(Duration delay) {
        if (running && !loop.isShutdown()) {
            loop.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One try: connect if needed, subscribe, check the SUBACK. Runs on the loop's thread only. */
    private void attempt() {
        if (!running || topic == null) {
            return;
        }
        try {
            if (!client.isConnected()) {
                client.connect(options());
            }
        } catch (MqttException e) {
            failed(ConnectFailure.classify(e, settings));
            return;
        }
        try {
            IMqttToken token = client.subscribeNow(topic, qos);
            int refused = refusedCode(token.getReasonCodes());
            if (refused >= 0) {
                disconnectQuietly();
                failed(new ConnectFailure("subscription_refused", "EMQX refused the subscription of user '"
                        + settings.usernameForMessages() + "' to " + topic + " (SUBACK reason code 0x"
                        + Integer.toHexString(refused) + "): allow it in EMQX's authorization, e.g. put the line "
                        + AclLine.forSubscription(settings.username(), topic) + " above the deny line of acl.conf"
                        + " (or use a superuser); retrying"));
                return;
            }
        } catch (MqttException e) {
            disconnectQuietly();
            failed(ConnectFailure.classify(e, settings));
            return;
        }
        backoff.reset();
        lastReason = null;
        signals.feedConnected(settings.brokerAlias());
    }

    private void failed(ConnectFailure failure) {
        // after a lost connection, finding nothing listening is the same outage: one reason (and one WARN) for it
        boolean sameOutage = "disconnected".equals(lastReason) && "unreachable".equals(failure.reason());
        if (!sameOutage) {
            lastReason = failure.reason();
            signals.feedDown(settings.brokerAlias(), failure.reason(), failure.message());
        }
        schedule(backoff.next());
    }

    private void lost(MqttDisconnectResponse response) {
        lastReason = "disconnected";
        signals.feedDown(settings.brokerAlias(), "disconnected", "lost the MQTT connection to " + settings.url()
                + " (" + ConnectFailure.describe(response) + "): reconnecting; the polls repair what the feed misses"
                + " meanwhile");
        schedule(backoff.next());
    }

    static int refusedCode(int[] reasonCodes) {
        if (reasonCodes == null) {
            return -1;
        }
        for (int code : reasonCodes) {
            if (code >= SUBACK_FAILURE) {
                return code;
            }
        }
        return -1;
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (settings.socketFactory() != null) {
            options.setSocketFactory(settings.socketFactory());
        }
        options.setHttpsHostnameVerificationEnabled(settings.verifyHostname());
        if (!settings.verifyHostname()) {
            options.setSSLHostnameVerifier((host, session) -> true);
        }
        return options;
    }

    private void disconnectQuietly() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            LOG.debug("broker {}: MQTT disconnect: {}", settings.brokerAlias(), e.getMessage());
        }
    }

    /**
     * The consumer's view of the client: its {@code subscribe} at route start only records what to subscribe to
     * and starts the loop; its callback gets the messages, ours learns of a lost connection.
     */
    private final class FeedClient extends MqttClient {
        FeedClient(String url, String clientId) throws MqttException {
            super(url, clientId, new MemoryPersistence());
        }

        @Override
        public IMqttToken subscribe(String topicFilter, int requestedQos) {
            topic = topicFilter;
            qos = requestedQos;
            running = true;
            schedule(Duration.ZERO);
            return null; // the consumer ignores it; the SUBACK is checked in attempt()
        }

        IMqttToken subscribeNow(String topicFilter, int requestedQos) throws MqttException {
            return super.subscribe(topicFilter, requestedQos);
        }

        @Override
        public void setCallback(MqttCallback consumer) {
            super.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    lost(response);
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                    LOG.debug("broker {}: MQTT error: {}", settings.brokerAlias(), exception.getMessage());
                }

                @Override
                public void messageArrived(String topicName, MqttMessage message) throws Exception {
                    consumer.messageArrived(topicName, message);
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                    // the feed only subscribes
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                    // subscribing is attempt()'s job, after every connect (Paho's reconnect, which would have the
                    // consumer resubscribe unchecked, is off)
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                    consumer.authPacketArrived(reasonCode, properties);
                }
            });
        }
    }
}
