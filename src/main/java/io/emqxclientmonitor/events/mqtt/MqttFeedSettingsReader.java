package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.state.RemovedClientRetention;
import org.apache.camel.CamelContext;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads the MQTT feed's settings of every broker: {@code emqx.broker.<name>.events.mqtt.<key>}, falling back to
 * {@code emqx.events.mqtt.<key>}. A broker without a URL has the feed off.
 */
public final class MqttFeedSettingsReader {
    public static final String PREFIX = "emqx.events.mqtt.";
    public static final List<String> PER_BROKER_KEYS = List.of("url", "username", "password", "topic", "client-id",
            "ca-file", "insecure", "session-expiry");
    public static final List<String> GLOBAL_KEYS = List.of("retry-delay-ms", "max-retry-delay-ms");
    public static final String DEFAULT_TOPIC = "$SYS/brokers/+/clients/#";
    static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(1);
    /** MQTT 5's largest Session Expiry Interval below "never" (0xFFFFFFFF). */
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFFFFFEL;

    private final Function<String, String> settings;

    public MqttFeedSettingsReader(Function<String, String> settings) {
        this.settings = settings;
    }

    public List<MqttFeedSettings> read(List<BrokerConfig> brokers, CamelContext context) {
        List<MqttFeedSettings> feeds = new ArrayList<>();
        Duration firstRetry = Duration.ofMillis(whole(PREFIX + "retry-delay-ms", 1000, 1, 3_600_000));
        Duration maxRetry = Duration.ofMillis(whole(PREFIX + "max-retry-delay-ms", 30_000, 1, 3_600_000));
        for (BrokerConfig broker : brokers) {
            String own = broker.name().equals("default") ? null : "emqx.broker." + broker.name() + ".events.mqtt.";
            String urlSetting = setting(own, "url");
            String url = value(urlSetting);
            if (url == null) {
                continue;
            }
            checkUrl(urlSetting, url);
            String username = value(setting(own, "username"));
            String password = value(setting(own, "password"));
            String topic = valueOr(setting(own, "topic"), DEFAULT_TOPIC);
            String clientId = valueOr(setting(own, "client-id"), defaultClientId(broker.alias()));
            String caFile = value(setting(own, "ca-file"));
            String insecureSetting = setting(own, "insecure");
            boolean insecure = bool(insecureSetting);
            Duration expiry = sessionExpiry(setting(own, "session-expiry"));
            feeds.add(new MqttFeedSettings(broker.alias(), url, clientId, username, password, topic, expiry,
                    Duration.ofSeconds(30), Duration.ofSeconds(10),
                    MqttTls.socketFactory(context, url, caFile == null ? null : Path.of(caFile), insecure), !insecure,
                    firstRetry, maxRetry));
        }
        return feeds;
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

    private void checkUrl(String setting, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(setting + "='" + url + "' is not a URL: give e.g. tcp://emqx:1883 or ssl://emqx:8883");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new ConfigException(setting + "='" + url + "' is not a tcp:// or ssl:// URL: give e.g."
                    + " tcp://emqx:1883 or ssl://emqx:8883");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(setting + " holds a user name or password: put them in emqx.events.mqtt.username"
                    + " and emqx.events.mqtt.password instead");
        }
        if (uri.getHost() == null) {
            throw new ConfigException(setting + "='" + url + "' has no host: give e.g. tcp://emqx:1883");
        }
    }

    private Duration sessionExpiry(String setting) {
        String text = value(setting);
        if (text == null) {
            return DEFAULT_SESSION_EXPIRY;
        }
        Duration expiry;
        try {
            expiry = RemovedClientRetention.parse(text);
        } catch (RuntimeException e) {
            expiry = null;
        }
        if (expiry == null || expiry.toSeconds() < 1 || expiry.toSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
            throw new ConfigException(setting + "='" + text + "' is not a session expiry: give a positive duration"
                    + " such as 1h, 90m or 3600 (seconds); EMQX keeps the feed's missed events that long");
        }
        return expiry;
    }

    private String setting(String own, String key) {
        return own != null && value(own + key) != null ? own + key : PREFIX + key;
    }

    private long whole(String setting, long defaultValue, long min, long max) {
        String v = value(setting);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(setting + "='" + v + "' is not a whole number of milliseconds from " + min + " to "
                + max + ": give e.g. " + defaultValue);
    }

    private boolean bool(String setting) {
        String v = valueOr(setting, "false").toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(setting + "='" + v + "' is not true or false");
    }

    private String valueOr(String setting, String defaultValue) {
        String v = value(setting);
        return v == null ? defaultValue : v;
    }

    private String value(String setting) {
        String v = settings.apply(setting);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
