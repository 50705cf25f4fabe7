package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.EventFeedConfig;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The MQTT feed of every broker that has one ({@link EventFeedConfig#mqttEnabled()}), as its connection needs it:
 * the broker's feed settings, the default client id, the TLS socket factory and the reconnect back-off
 * ({@value #RETRY_DELAY}, {@value #MAX_RETRY_DELAY}, for every broker).
 */
public final class MqttFeedSettingsReader {
    public static final String RETRY_DELAY = "emqx.events.mqtt.retry-delay-ms";
    public static final String MAX_RETRY_DELAY = "emqx.events.mqtt.max-retry-delay-ms";
    public static final List<String> GLOBAL_SETTINGS = List.of(RETRY_DELAY, MAX_RETRY_DELAY);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(MqttFeedSettingsReader.class);

    private final Function<String, String> settings;

    public MqttFeedSettingsReader(Function<String, String> settings) {
        this.settings = settings;
    }

    /** @param feeds the feed settings by broker alias */
    public List<MqttFeedSettings> read(List<BrokerConfig> brokers, Map<String, EventFeedConfig> feeds, CamelContext context) {
        Duration firstRetry = Duration.ofMillis(whole(RETRY_DELAY, 1000));
        Duration maxRetry = Duration.ofMillis(whole(MAX_RETRY_DELAY, 30_000));
        List<MqttFeedSettings> result = new ArrayList<>();
        for (BrokerConfig broker : brokers) {
            EventFeedConfig feed = feeds.get(broker.alias());
            if (feed == null || !feed.mqttEnabled()) {
                continue;
            }
            String topicProblem = TopicFilter.problem(feed.mqttTopic());
            if (topicProblem != null) {
                throw new ConfigException(setting(broker, "events.mqtt.topic") + "='" + printable(feed.mqttTopic()) + "' "
                        + topicProblem + ": give an MQTT topic filter such as " + EventFeedConfig.DEFAULT_TOPIC);
            }
            String url = feed.mqttUrl().toString();
            if (feed.mqttInsecure() && url.regionMatches(true, 0, "ssl://", 0, 6)) {
                LOG.warn("broker {}: TLS certificate and host name checks of the MQTT event feed are OFF"
                        + " (emqx.events.mqtt.insecure=true): anyone on the network path can read its password; use"
                        + " emqx.events.mqtt.ca-file instead", broker.alias());
            }
            result.add(new MqttFeedSettings(broker.alias(), url,
                    feed.mqttClientId() != null ? feed.mqttClientId() : defaultClientId(broker.alias()),
                    feed.mqttUsername(), feed.mqttPassword(), feed.mqttTopic(), feed.mqttSessionExpiry(), KEEP_ALIVE,
                    CONNECT_TIMEOUT, MqttTls.socketFactory(context, url, feed.mqttCaFile(), feed.mqttInsecure()),
                    !feed.mqttInsecure(), firstRetry, maxRetry));
        }
        return result;
    }

    /**
     * A fixed client id, so that the persistent session is found again after a restart: the exporter, the broker
     * alias and this host's name (a pod's name), so that two replicas do not take each other's session over.
     */
    static String defaultClientId(String brokerAlias) {
        String host;
        try {
            host = System.getenv().getOrDefault("HOSTNAME", InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return ("emqx-client-monitor-" + brokerAlias + "-" + host).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The setting's name as the user may have written it: per broker, or the fallback for every broker. */
    private static String setting(BrokerConfig broker, String key) {
        return "default".equals(broker.name()) ? "emqx." + key
                : "emqx.broker." + broker.name() + "." + key + " (or emqx." + key + ")";
    }

    /** A value fit for a one-line message: control characters shown as \\uXXXX, at most 200 characters. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(200).forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return value.codePointCount(0, value.length()) > 200 ? out + "…" : out.toString();
    }

    private long whole(String setting, long defaultValue) {
        String v = settings.apply(setting);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1 && n <= 3_600_000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(setting + "='" + v.trim() + "' is not a whole number of milliseconds from 1 to"
                + " 3600000: give e.g. " + defaultValue);
    }
}
