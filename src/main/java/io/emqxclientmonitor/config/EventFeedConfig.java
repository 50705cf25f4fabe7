package io.emqxclientmonitor.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The live event feed of one broker (issue 9): the webhook that EMQX's HTTP action posts to, and the MQTT
 * subscription to its {@code $SYS} client events or a republish topic. Every key is read as
 * {@code emqx.broker.<name>.events.<key>}, falling back to {@code emqx.events.<key>}.
 *
 * @param mqttUrl           tcp:// or ssl:// of the MQTT listener; null = no MQTT feed
 * @param mqttSessionExpiry how long EMQX keeps our session (and queues events) while we are away
 */
public record EventFeedConfig(boolean webhookEnabled, String webhookToken, String webhookUsername, String webhookPassword,
                              URI mqttUrl, String mqttUsername, String mqttPassword, String mqttTopic,
                              String mqttClientId, Path mqttCaFile, boolean mqttInsecure, Duration mqttSessionExpiry) {

    public static final String DEFAULT_TOPIC = "$SYS/brokers/+/clients/#";
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(1);
    public static final EventFeedConfig OFF = new EventFeedConfig(false, null, null, null, null, null, null,
            DEFAULT_TOPIC, null, null, false, DEFAULT_SESSION_EXPIRY);

    /** The keys after {@code events.}, as {@link KnownSettings} lists them. */
    public static final List<String> KEYS = List.of(
            "events.webhook.enabled", "events.webhook.token", "events.webhook.username", "events.webhook.password",
            "events.mqtt.url", "events.mqtt.username", "events.mqtt.password", "events.mqtt.topic",
            "events.mqtt.client-id", "events.mqtt.ca-file", "events.mqtt.insecure", "events.mqtt.session-expiry");

    public boolean mqttEnabled() {
        return mqttUrl != null;
    }

    /** Either source is on: polls then count what events missed. */
    public boolean enabled() {
        return webhookEnabled || mqttEnabled();
    }

    public boolean webhookNeedsBearer() {
        return webhookToken != null;
    }

    public boolean webhookNeedsBasicAuth() {
        return webhookUsername != null;
    }

    /**
     * @param brokerName the broker's key under {@code emqx.broker.}, or {@code default} for the single-broker form
     * @param value      a setting's value, null when unset
     * @param described  how to name a setting in an error (where the user wrote it)
     */
    public static EventFeedConfig load(String brokerName, Function<String, String> value, Function<String, String> described) {
        Function<String, String> key = k -> {
            String own = "emqx.broker." + brokerName + "." + k;
            return !"default".equals(brokerName) && present(value.apply(own)) ? own : "emqx." + k;
        };
        Function<String, String> get = k -> {
            String v = value.apply(key.apply(k));
            return present(v) ? v.trim() : null;
        };
        Function<String, String> name = k -> {
            String n = described.apply(key.apply(k));
            return n == null ? key.apply(k) : n;
        };
        boolean webhook = bool(get.apply("events.webhook.enabled"), false, name.apply("events.webhook.enabled"));
        String username = get.apply("events.webhook.username");
        String password = get.apply("events.webhook.password");
        if ((username == null) != (password == null)) {
            throw new ConfigException(name.apply(username == null ? "events.webhook.password" : "events.webhook.username")
                    + " is set without " + name.apply(username == null ? "events.webhook.username" : "events.webhook.password")
                    + ": give both for basic auth on the webhook, or neither");
        }
        URI url = mqttUrl(get.apply("events.mqtt.url"), name.apply("events.mqtt.url"));
        String topic = get.apply("events.mqtt.topic");
        String ca = get.apply("events.mqtt.ca-file");
        Path caFile = null;
        if (ca != null) {
            caFile = Path.of(ca);
            CaBundle.validate(caFile, name.apply("events.mqtt.ca-file"));
        }
        String expiry = get.apply("events.mqtt.session-expiry");
        Duration sessionExpiry = DEFAULT_SESSION_EXPIRY;
        if (expiry != null) {
            try {
                long seconds = Long.parseLong(expiry);
                if (seconds < 0 || seconds > 4_294_967_295L) {
                    throw new NumberFormatException();
                }
                sessionExpiry = Duration.ofSeconds(seconds);
            } catch (NumberFormatException e) {
                throw new ConfigException(name.apply("events.mqtt.session-expiry") + "='" + expiry
                        + "' is not a whole number of seconds from 0 to 4294967295: give e.g. 3600");
            }
        }
        return new EventFeedConfig(webhook, get.apply("events.webhook.token"), username, password, url,
                get.apply("events.mqtt.username"), get.apply("events.mqtt.password"), topic == null ? DEFAULT_TOPIC : topic,
                get.apply("events.mqtt.client-id"), caFile,
                bool(get.apply("events.mqtt.insecure"), false, name.apply("events.mqtt.insecure")), sessionExpiry);
    }

    private static URI mqttUrl(String raw, String setting) {
        if (raw == null) {
            return null;
        }
        if (raw.indexOf('@') >= 0) { // user info, perhaps with a password: never echoed
            throw new ConfigException(setting + " has a user name or password in it (…@host): remove it from the URL and"
                    + " give them as events.mqtt.username and events.mqtt.password (env for the password)");
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("tcp") || scheme.equals("ssl")) && uri.getHost() != null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigException(setting + "='" + raw + "' is not an MQTT URL: write it like tcp://emqx:1883 or"
                + " ssl://emqx:8883 (user and password go in events.mqtt.username and events.mqtt.password)");
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    private static boolean bool(String v, boolean defaultValue, String setting) {
        if (v == null) {
            return defaultValue;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.parseBoolean(lower);
        }
        throw new ConfigException(setting + "='" + v + "' is not true or false");
    }

    /** Never prints a secret. */
    @Override
    public String toString() {
        return "EventFeedConfig[webhook=" + webhookEnabled + (webhookToken != null ? ", bearer" : "")
                + (webhookUsername != null ? ", basic auth" : "") + ", mqtt=" + mqttUrl + ", topic=" + mqttTopic + "]";
    }
}
