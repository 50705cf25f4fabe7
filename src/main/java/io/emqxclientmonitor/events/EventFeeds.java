package io.emqxclientmonitor.events;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.EventFeedConfig;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientTracker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Reads each broker's {@link EventFeedConfig} and switches its feed statistics on; bound as {@code eventFeedConfigs}. */
public final class EventFeeds {
    private EventFeeds() {
    }

    /** @return the feed settings by broker alias, in configuration order */
    public static Map<String, EventFeedConfig> configure(MonitorConfig config, ClientTracker tracker,
                                                         Function<String, String> value, Function<String, String> described) {
        Map<String, EventFeedConfig> feeds = new LinkedHashMap<>();
        for (BrokerConfig broker : config.brokers()) {
            EventFeedConfig feed = EventFeedConfig.load(broker.name(), value, described);
            feeds.put(broker.alias(), feed);
            BrokerState state = tracker.broker(broker.alias());
            state.eventFeed().enable(feed.enabled());
            if (feed.webhookEnabled()) {
                state.eventFeed().up(true); // a webhook is up while we listen; an MQTT feed when its SUBACK comes
            }
        }
        return java.util.Collections.unmodifiableMap(feeds);
    }
}
