package io.emqxclientmonitor.events;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.EventFeedConfig;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.support.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code emqxEvents} bean: outcomes, back-pressure, feed state, and an event storm while polls are applied. */
class EventIntakeTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static ClientTracker tracker(int clients) {
        List<MonitoredClient> monitored = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            monitored.add(new MonitoredClient("a" + i, "c" + i));
        }
        BrokerConfig broker = new BrokerConfig("default", "emqx", URI.create("http://emqx:18083/api"), "k", "s",
                Duration.ofSeconds(5), 3, new TlsSettings(null, false), monitored, null);
        return new ClientTracker(new MonitorConfig(List.of(broker), Duration.ofSeconds(15), MetricFlags.DEFAULTS, null, 16),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static byte[] connect(String id, long at) {
        return ("{\"clientid\":\"" + id + "\",\"connected_at\":" + at + ",\"keepalive\":60}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("no capacity left: BUSY, and the webhook answers 503 with Retry-After and no body")
    void busyIs503WithRetryAfter() {
        EventIntake intake = new EventIntake(tracker(1), 0);
        byte[] body = connect("c0", NOW.toEpochMilli());
        assertEquals(EventIntake.Outcome.BUSY, intake.accept("emqx", "webhook", body));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(body);
        new EventWebhook(intake, Map.of("emqx", new EventFeedConfig(true, null, null, null, null, null, null,
                EventFeedConfig.DEFAULT_TOPIC, null, null, false, Duration.ZERO))).receive(exchange);
        assertEquals(503, exchange.getIn().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals("1", exchange.getIn().getHeader("Retry-After"));
        assertEquals("", exchange.getIn().getBody(String.class));
    }

    @Test
    @DisplayName("$SYS payloads are told apart by the topic's last level or their fields; the id never comes from the topic")
    void sysShape() {
        ClientTracker tracker = tracker(1);
        EventIntake intake = new EventIntake(tracker);
        long at = NOW.minusSeconds(60).toEpochMilli();
        assertEquals(EventIntake.Outcome.ACCEPTED, intake.accept("emqx", "sys", "$SYS/brokers/n/clients/x/y/connected",
                ("{\"clientid\":\"c0\",\"connected_at\":" + at + "}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(EventIntake.Outcome.ACCEPTED, intake.accept("emqx", "sys", "$SYS/brokers/n/clients/c1/disconnected",
                ("{\"clientid\":\"c0\",\"connected_at\":" + (at / 1000) + ",\"reason\":\"normal\",\"disconnected_at\":" + (at + 5000) + "}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("normal", tracker.views().get(0).lastDisconnectReason(), "connected_at in seconds pairs with ms");
        assertEquals(1, tracker.views().get(0).connects());
        assertEquals(EventIntake.Outcome.INVALID, intake.accept("emqx", "sys", null,
                ("{\"clientid\":\"c0\",\"connected_at\":" + NOW.plus(Duration.ofDays(30)).toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8)),
                "a time far in the future is garbage");
        assertEquals(EventIntake.Outcome.INVALID, intake.accept("emqx", "sys", null,
                        connect("c0", NOW.plus(Duration.ofMinutes(10)).toEpochMilli())),
                "a connect 10 minutes ahead of our clock would hold the client 'connected' against every poll until then");
        assertEquals(EventIntake.Outcome.ACCEPTED, intake.accept("emqx", "sys", null,
                        connect("c0", NOW.plus(Duration.ofSeconds(30)).toEpochMilli())), "a little clock skew is fine");
        assertEquals(EventIntake.Outcome.INVALID, intake.accept("emqx", "sys", "$SYS/brokers/n/clients/c0/disconnected",
                ("{\"clientid\":\"c0\",\"connected_at\":" + at + ",\"reason\":\"normal\",\"disconnected_at\":" + (at - 1_000_000) + "}")
                        .getBytes(StandardCharsets.UTF_8)), "a connection cannot end before it began");
        assertEquals(EventIntake.Outcome.UNKNOWN_BROKER, intake.accept("nope", "sys", null, connect("c0", at)));
        assertEquals(EventIntake.Outcome.IGNORED_UNMONITORED, intake.accept("emqx", "sys", null, connect("stranger", at)));
    }

    @Test
    @DisplayName("feedDown logs one WARN per change of failure state, feedConnected one INFO on recovery")
    void feedStateLogsOncePerChange() {
        ClientTracker tracker = tracker(1);
        EventIntake intake = new EventIntake(tracker);
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                intake.feedDown("emqx", "subscription_refused", "add to acl.conf: {allow, {username, \"monitor\"}, subscribe, [\"$SYS/brokers/+/clients/#\"]}.");
            }
            intake.feedDown("emqx", "unreachable", "tcp://emqx:1883 refuses connections");
            intake.feedConnected("emqx");
            intake.feedConnected("emqx");
            assertEquals(2, log.warningsAndErrors().size(), log.text());
            assertEquals(1, log.lines(l -> l.contains("event feed is up again")).size(), log.text());
        }
        assertTrue(tracker.broker("emqx").eventFeed().up());
    }

    @Test
    @DisplayName("an event storm on 4 threads while polls are applied: no exception, no session counted twice")
    void stormWhilePolling() throws Exception {
        ClientTracker tracker = tracker(50);
        EventIntake intake = new EventIntake(tracker, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        long base = NOW.minusSeconds(3600).toEpochMilli();
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int n = 0; n < 5000; n++) {
                    intake.accept("emqx", "webhook", connect("c" + (n % 50), base + (n / 50) * 1000L));
                }
                done.countDown();
            });
        }
        while (!done.await(1, TimeUnit.MILLISECONDS)) {
            var poll = tracker.startPoll("emqx");
            tracker.complete(poll);
        }
        pool.shutdown();
        tracker.views().forEach(v -> assertEquals(100, v.connects(), v.alias() + ": 100 distinct sessions"));
    }
}
