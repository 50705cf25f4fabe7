package io.emqxclientmonitor.events;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.EventFeedConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.metrics.EventFeedMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientTracker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Reads each broker's {@link EventFeedConfig} and switches its feed statistics on; bound as {@code eventFeedConfigs}. */
public final class EventFeeds {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventFeeds.class);
    private EventFeeds() {
    }

    /** @return the feed settings by broker alias, in configuration order */
    /** Exports the feed's families (disconnects by reason, event_feed_up, events, …) where a feed is on. */
    public static final String METRICS_FLAG = "metrics.enable-event-metrics";

    public static Map<String, EventFeedConfig> configure(MonitorConfig config, ClientTracker tracker,
                                                         Function<String, String> value, Function<String, String> described,
                                                         MeterRegistry meters) {
        String flag = value.apply(METRICS_FLAG);
        if (flag != null && !flag.isBlank() && !flag.trim().equalsIgnoreCase("true") && !flag.trim().equalsIgnoreCase("false")) {
            throw new ConfigException(described.apply(METRICS_FLAG) + "='" + flag.trim() + "' is not true or false");
        }
        boolean metricsOn = flag == null || flag.isBlank() || Boolean.parseBoolean(flag.trim());
        Map<String, EventFeedConfig> feeds = new LinkedHashMap<>();
        for (BrokerConfig broker : config.brokers()) {
            EventFeedConfig feed = EventFeedConfig.load(broker.name(), value, described);
            feeds.put(broker.alias(), feed);
            BrokerState state = tracker.broker(broker.alias());
            state.eventFeed().enable(feed.enabled());
            if (feed.enabled() && metricsOn) {
                state.eventFeed().metricsOn(true);
                EventFeedMeters.register(meters, state);
            }
            if (feed.webhookEnabled()) {
                state.eventFeed().up(true); // a webhook is up while we listen; an MQTT feed when its SUBACK comes
                if (!feed.webhookNeedsBearer() && !feed.webhookNeedsBasicAuth()) {
                    warnOpenWebhook(broker, value.apply("camel.server.port"));
                }
            }
        }
        return java.util.Collections.unmodifiableMap(feeds);
    }

    private static void warnOpenWebhook(BrokerConfig broker, String port) {
        String token = "default".equals(broker.name()) ? "emqx.events.webhook.token"
                : "emqx.broker." + broker.name() + ".events.webhook.token (or emqx.events.webhook.token)";
        LOG.warn("broker {}: the event webhook has no token or basic auth: anyone who can reach port {} can post events"
                + " for it; set {}", broker.alias(), port == null || port.isBlank() ? "9671" : port.trim(), token);
    }
}
