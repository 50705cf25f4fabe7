package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.state.BrokerHealth;
import io.emqxclientmonitor.state.BrokerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The exporter's own health per broker, as Micrometer meters reading {@link BrokerHealth}: {@code up},
 * staleness, last poll duration, errors by reason, and the request counter the fetch route increments.
 */
public final class BrokerMeters {
    public static final String API_REQUESTS = "emqx.client.monitor.api.requests";
    static final String API_REQUESTS_HELP = "HTTP requests sent to EMQX's API, retries included";

    private BrokerMeters() {
    }

    public static void register(MeterRegistry registry, BrokerState broker) {
        BrokerHealth health = broker.health();
        String alias = broker.alias();
        Gauge.builder("emqx.client.monitor.up", health, h -> h.up() ? 1 : 0)
                .description("Whether the last poll of the broker's API succeeded (1) or not (0)")
                .tag("broker", alias).strongReference(true).register(registry);
        Gauge.builder("emqx.client.monitor.last.success.timestamp.seconds", health,
                        h -> h.lastSuccess() == null ? 0 : h.lastSuccess().toEpochMilli() / 1000.0)
                .description("Time of the last successful poll of the broker, in Unix epoch seconds (0: never); client values are as old as this")
                .tag("broker", alias).strongReference(true).register(registry);
        Gauge.builder("emqx.client.monitor.poll.duration.seconds", health, BrokerHealth::lastPollSeconds)
                .description("Duration of the last poll of the broker, all requests and retries included")
                .tag("broker", alias).strongReference(true).register(registry);
        for (PollFailure.Reason reason : PollFailure.Reason.values()) {
            FunctionCounter.builder("emqx.client.monitor.poll.errors", health, h -> h.errors(reason))
                    .description("Failed polls of the broker, by reason")
                    .tags("broker", alias, "reason", reason.label()).register(registry);
        }
        FunctionCounter.builder("emqx.client.monitor.invalid.values", health, BrokerHealth::invalidValues)
                .description("Values in EMQX's rows of monitored clients that were not counts from 0 to 2^53 (negative, too "
                        + "large, not numbers) and were ignored: the series keeps its last value")
                .tag("broker", alias).register(registry);
        Counter.builder(API_REQUESTS).description(API_REQUESTS_HELP).tag("broker", alias).register(registry);
        if (broker.config().pattern().configured()) {
            registerPatternMeters(registry, broker);
        }
    }

    /** Only for a broker with a pattern, so the exposition of the others stays as it was. */
    private static void registerPatternMeters(MeterRegistry registry, BrokerState broker) {
        Gauge.builder("emqx.client.monitor.pattern.clients", broker, b -> b.patternClientIds().size())
                .description("Clients watched because they match the broker's pattern (emqx.clients.like/pattern), at most "
                        + "monitor.max-clients")
                .tag("broker", broker.alias()).strongReference(true).register(registry);
        FunctionCounter.builder("emqx.client.monitor.pattern.clients.refused", broker.patternStats(),
                        io.emqxclientmonitor.state.PatternStats::refused)
                .description("Clients matching the broker's pattern that were not watched because monitor.max-clients was "
                        + "reached; a client counts once per stretch of polls that refuse it")
                .tag("broker", broker.alias()).register(registry);
    }

    public static void countRequest(MeterRegistry registry, String brokerAlias) {
        Counter.builder(API_REQUESTS).description(API_REQUESTS_HELP).tag("broker", brokerAlias).register(registry).increment();
    }
}
