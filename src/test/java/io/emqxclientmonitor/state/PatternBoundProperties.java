package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ClientPattern;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.metrics.BrokerMeters;
import io.emqxclientmonitor.metrics.ClientMetricsCollector;
import io.emqxclientmonitor.metrics.ScrapeResponder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever order pattern matches arrive in, across pages and polls, and whatever duplicates and near-misses EMQX
 * sends: the watched set is the explicit clients plus the first {@code monitor.max-clients} distinct matches, never
 * more, never a client twice; the refusal counter and every client's counters never go down.
 */
class PatternBoundProperties {
    private static final Pattern REGEX = Pattern.compile("^m-(\\d+)$");
    /** Matches, and near-misses: m-x* passes like_clientid but not the regex, z-* neither. */
    private static final List<String> POOL = new ArrayList<>();

    static {
        for (int i = 0; i < 30; i++) {
            POOL.add("m-" + i);
        }
        POOL.addAll(List.of("m-x1", "m-x2", "z-1", "z-m-3", "e-0"));
    }

    @Provide
    Arbitrary<List<List<List<String>>>> polls() {
        Arbitrary<List<String>> page = Arbitraries.of(POOL).list().ofMaxSize(25);
        return page.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 200, seed = "20261203")
    void theWatchedSetIsExplicitPlusTheFirstNMatches(@ForAll("polls") List<List<List<String>>> polls,
                                                       @ForAll @IntRange(min = 1, max = 12) int bound,
                                                       @ForAll @IntRange(min = 0, max = 3) int explicitMatches) {
        List<MonitoredClient> explicit = new ArrayList<>(List.of(new MonitoredClient("E0", "e-0")));
        for (int i = 0; i < explicitMatches; i++) {
            explicit.add(new MonitoredClient("Listed" + i, "m-" + (i * 7)));
        }
        Set<String> explicitIds = new HashSet<>();
        explicit.forEach(c -> explicitIds.add(c.clientId()));
        ClientPattern pattern = new ClientPattern("m-", REGEX, bound, Duration.ofDays(3));
        BrokerConfig broker = new BrokerConfig("default", "emqx", URI.create("http://127.0.0.1:1/api"), "k", "s",
                Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, explicit, null, pattern);
        PollDriver.MutableClock clock = new PollDriver.MutableClock(PollDriver.T0);
        ClientTracker tracker = new ClientTracker(new MonitorConfig(List.of(broker), Duration.ofSeconds(15),
                MetricFlags.ALL, null, 20), clock);
        PrometheusMeterRegistry meters = meters(tracker);

        LinkedHashSet<String> admitted = new LinkedHashSet<>();
        Set<String> refusedLast = Set.of();
        long refusedModel = 0;
        double refusedBefore = 0;
        Map<String, Long> countersBefore = new HashMap<>();
        long value = 0;
        for (List<List<String>> pages : polls) {
            clock.advance(Duration.ofSeconds(15));
            Set<String> refusedNow = new HashSet<>();
            for (List<String> page : pages) {
                for (String id : page) {
                    if (explicitIds.contains(id) || pattern.aliasOf(id) == null || admitted.contains(id)) {
                        continue;
                    }
                    if (admitted.size() < bound) {
                        admitted.add(id);
                    } else {
                        refusedNow.add(id);
                    }
                }
            }
            for (String id : refusedNow) {
                refusedModel += refusedLast.contains(id) ? 0 : 1;
            }
            refusedLast = refusedNow;
            value += 3;
            poll(tracker, explicit, pages, value);

            BrokerState state = tracker.broker("emqx");
            Set<String> expected = new HashSet<>(explicitIds);
            expected.addAll(admitted);
            Set<String> watched = new HashSet<>();
            state.clients().forEach(c -> watched.add(c.client().clientId()));
            assertEquals(expected, watched, "explicit ∪ first-N matches");
            assertEquals(admitted, state.patternClientIds());
            assertTrue(state.patternClientIds().size() <= bound);

            String exposition = scrape(meters);
            List<String> connected = exposition.lines().filter(l -> l.startsWith("emqx_client_monitor_connected{")).toList();
            assertEquals(expected.size(), connected.size(), "one series per client");
            assertEquals(expected.size(), new HashSet<>(connected.stream().map(l -> l.substring(0, l.lastIndexOf(' '))).toList()).size());
            double refused = sample(exposition, "emqx_client_monitor_pattern_clients_refused_total{broker=\"emqx\"}");
            assertTrue(refused >= refusedBefore, "monotonic");
            assertEquals(refusedModel, (long) refused, "each refused client once per stretch");
            refusedBefore = refused;
            for (ClientState client : state.clients()) {
                long now = client.view().counter(EmqxCounter.RECV_MSG);
                assertTrue(now >= countersBefore.getOrDefault(client.client().clientId(), 0L), "counters never go down");
                countersBefore.put(client.client().clientId(), now);
            }
        }
    }

    /** One poll as the route runs it: the explicit batch answered with the explicit rows, the scan with these pages. */
    private static void poll(ClientTracker tracker, List<MonitoredClient> explicit, List<List<String>> pages, long value) {
        BrokerPoll poll = tracker.startPoll("emqx", false);
        int scanPage = 0;
        while (poll.hasNextRequest()) {
            String query = poll.nextQuery();
            List<Object> data = new ArrayList<>();
            boolean hasNext = false;
            if (query.contains("&clientid=")) {
                explicit.forEach(c -> data.add(PollDriver.row(c.clientId(), true, PollDriver.T0, "recv_msg", value)));
            } else {
                assertTrue(query.contains("like_clientid=m-"), query);
                for (String id : pages.get(scanPage)) {
                    // a duplicate of a row may carry an older (smaller) counter, as a takeover's stale row does
                    data.add(PollDriver.row(id, true, PollDriver.T0, "recv_msg", value - (data.size() % 2)));
                }
                hasNext = ++scanPage < pages.size();
            }
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("data", data);
            envelope.put("meta", Map.of("hasnext", hasNext));
            for (Object row : poll.acceptPage(envelope)) {
                if (poll.isMonitored(row)) {
                    poll.observe(row);
                }
            }
        }
        tracker.complete(poll);
        assertTrue(poll.succeeded());
    }

    private static PrometheusMeterRegistry meters(ClientTracker tracker) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.getPrometheusRegistry().register(new ClientMetricsCollector(tracker, MetricFlags.ALL));
        for (BrokerState broker : tracker.brokers()) {
            BrokerMeters.register(meters, broker);
        }
        return meters;
    }

    private static String scrape(PrometheusMeterRegistry meters) {
        return new String(new ScrapeResponder(meters).exposition((String) null), StandardCharsets.UTF_8);
    }

    private static double sample(String exposition, String prefix) {
        return exposition.lines().filter(l -> l.startsWith(prefix + " ")).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix));
    }
}
