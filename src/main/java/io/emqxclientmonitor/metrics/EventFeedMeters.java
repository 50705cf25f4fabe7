package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.EventFeedStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The live event feed of one broker, as Micrometer meters reading its {@link EventFeedStats}. */
public final class EventFeedMeters {
    private EventFeedMeters() {
    }

    public static void register(MeterRegistry registry, BrokerState broker) {
        EventFeedStats feed = broker.eventFeed();
        String alias = broker.alias();
        Gauge.builder("emqx.client.monitor.event.feed.up", feed, f -> f.up() ? 1 : 0)
                .description("Whether the broker's event feed delivers (1: webhook on, or MQTT subscribed) or not (0); polls carry on either way")
                .tag("broker", alias).strongReference(true).register(registry);
        FunctionCounter.builder("emqx.client.monitor.events", feed, EventFeedStats::connected)
                .description("Client events received from the broker (any client, monitored or not), by event")
                .tags("broker", alias, "event", "connected").register(registry);
        FunctionCounter.builder("emqx.client.monitor.events", feed, EventFeedStats::disconnected)
                .description("Client events received from the broker (any client, monitored or not), by event")
                .tags("broker", alias, "event", "disconnected").register(registry);
        FunctionCounter.builder("emqx.client.monitor.events.invalid", feed, EventFeedStats::invalid)
                .description("Event bodies or messages from the broker that were not client events (garbage, wrong types, out-of-range times); ignored")
                .tag("broker", alias).register(registry);
        FunctionCounter.builder("emqx.client.monitor.event.missed.sessions", feed, EventFeedStats::missedSessions)
                .description("Sessions of monitored clients that a poll found and no event had announced: a live measure of event loss")
                .tag("broker", alias).register(registry);
    }
}
