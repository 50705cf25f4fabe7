package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.EmqxCounter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client state machine without HTTP: a real {@link ClientTracker} fed EMQX rows (as Jackson reads them: maps of
 * strings, numbers, booleans) through the real {@link BrokerPoll}, one page per poll, the way the poll route does.
 */
final class PollDriver {
    static final String BROKER = "emqx";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private ClientTracker tracker;
    private MonitorConfig config;

    PollDriver(List<String> clientIds) {
        config = config(clientIds);
        tracker = new ClientTracker(config, clock);
    }

    static MonitorConfig config(List<String> clientIds) {
        List<MonitoredClient> clients = clientIds.stream().map(id -> new MonitoredClient(alias(id), id)).toList();
        BrokerConfig broker = new BrokerConfig("default", BROKER, URI.create("http://127.0.0.1:1/api"), "k", "s",
                Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, clients, null);
        return new MonitorConfig(List.of(broker), Duration.ofSeconds(15), MetricFlags.ALL, null, 20);
    }

    static String alias(String clientId) {
        return "A-" + clientId;
    }

    ClientTracker tracker() {
        return tracker;
    }

    MutableClock clock() {
        return clock;
    }

    /** One successful poll whose answer lists these rows (of the monitored clients), in this order, on as many pages as given. */
    void poll(List<List<Object>> pages) {
        clock.advance(Duration.ofSeconds(15));
        BrokerPoll poll = tracker.startPoll(BROKER, false);
        for (int i = 0; i < pages.size() && poll.hasNextRequest(); i++) {
            poll.nextQuery();
            Map<String, Object> envelope = new LinkedHashMap<>();
            // EMQX 5.6+ answers the clientid filter: only the asked-for clients' rows
            envelope.put("data", new ArrayList<>(pages.get(i).stream()
                    .filter(row -> row instanceof Map<?, ?> m && m.get("clientid") instanceof String id && poll.covers(id)).toList()));
            envelope.put("meta", Map.of("hasnext", i < pages.size() - 1));
            for (Object row : poll.acceptPage(envelope)) {
                if (poll.isMonitored(row)) {
                    poll.observe(row);
                }
            }
        }
        tracker.complete(poll);
    }

    void pollOnePage(List<Object> rows) {
        poll(List.of(rows));
    }

    /** A failed poll: nothing about the clients changes. */
    void failedPoll() {
        clock.advance(Duration.ofSeconds(15));
        BrokerPoll poll = tracker.startPoll(BROKER, false);
        poll.fail(io.emqxclientmonitor.emqx.PollFailure.Reason.CONNECT, "refused");
        tracker.complete(poll);
    }

    void reconfigure(List<String> clientIds) {
        config = config(clientIds);
        tracker.reconfigure(config);
    }

    /** Stores the state to a file and restores it into a fresh tracker, as a restart of the exporter does. */
    void restart(Path stateFile) throws java.io.IOException {
        new StateFile(stateFile, clock).write(tracker);
        tracker = new ClientTracker(config, clock);
        new StateFile(stateFile, clock).load(tracker, false);
    }

    /** The exposition of /metrics (text format), rendered as the metrics route does: the collector and the broker meters. */
    String scrape() {
        return scrape(MetricFlags.ALL);
    }

    /** The same with these metric flags. */
    String scrape(MetricFlags flags) {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        meters.getPrometheusRegistry().register(new io.emqxclientmonitor.metrics.ClientMetricsCollector(tracker, flags));
        for (BrokerState broker : tracker.brokers()) {
            io.emqxclientmonitor.metrics.BrokerMeters.register(meters, broker);
        }
        byte[] body = new io.emqxclientmonitor.metrics.ScrapeResponder(meters).exposition((String) null);
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    long counter(String clientId, EmqxCounter counter) {
        return view(clientId).counter(counter);
    }

    ClientView view(String clientId) {
        return tracker.broker(BROKER).client(clientId).view();
    }

    /** A row as EMQX sends it; counters given as key/value pairs. */
    static Map<String, Object> row(String clientId, boolean connected, Instant connectedAt, Object... counters) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clientid", clientId);
        row.put("connected", connected);
        row.put("created_at", T0.toString());
        row.put("connected_at", connectedAt == null ? null : connectedAt.toString());
        if (!connected) {
            row.put("disconnected_at", (connectedAt == null ? T0 : connectedAt).plusSeconds(1).toString());
        }
        row.put("keepalive", 60);
        row.put("subscriptions_cnt", 1);
        row.put("inflight_cnt", 0);
        for (int i = 0; i + 1 < counters.length; i += 2) {
            row.put((String) counters[i], counters[i + 1]);
        }
        return row;
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
