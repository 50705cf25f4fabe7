package io.emqxclientmonitor.kamelet;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another Camel application embeds {@code kamelet:emqx-clients-source}: {@link EmbeddingApp} runs only
 * {@code src/test/resources/kamelet/embedding-route.yaml} (none of the exporter's routes, beans or properties)
 * against the EMQX simulator over real HTTP.
 */
class EmbeddedKameletTest {
    private static final long ONE_POLL_ONLY = 3_600_000;
    /** Contains characters that would break a URI or a Basic header built carelessly. */
    private static final String SECRET = "S3cret+/=&%x";
    private static final String ROOM2 = "qingping-DEADBEEF5678";
    private static final String WATCHED = ROOM2 + ", sleeper-1, ghost-1, " + Fleets.AWKWARD_ID;

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final CapturedLog log = new CapturedLog();
    private EmqxSimulator emqx;
    private EmbeddingApp app;

    @BeforeEach
    void startEmqx() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults().withCredentials("monitor-key", SECRET));
    }

    @AfterEach
    void stop() {
        try {
            if (app != null) {
                app.close();
            }
            emqx.close();
        } finally {
            log.close();
        }
    }

    private MockEndpoint records() {
        return app.records();
    }

    @Test
    void emitsOneMessagePerMonitoredClientEmqxListsWithItsRowAndHeaders() throws Exception {
        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY));
        MockEndpoint records = records();
        records.expectedMessageCount(3); // ghost-1 is not in EMQX, someone-else is not monitored
        records.setAssertPeriod(500);
        records.assertIsSatisfied(10_000);

        Map<String, Exchange> byClient = new HashMap<>();
        for (Exchange exchange : records.getExchanges()) {
            assertEquals(Set.of("EmqxBroker", "EmqxClientId", "EmqxConnected"), exchange.getMessage().getHeaders().keySet(),
                    "exactly the documented headers (no Authorization, no HTTP leftovers)");
            assertEquals("plant-broker", exchange.getMessage().getHeader("EmqxBroker"));
            Map<?, ?> row = exchange.getMessage().getBody(Map.class);
            assertEquals(row.get("clientid"), exchange.getMessage().getHeader("EmqxClientId"));
            assertInstanceOf(Boolean.class, exchange.getMessage().getHeader("EmqxConnected"));
            assertEquals(row.get("connected"), exchange.getMessage().getHeader("EmqxConnected"));
            byClient.put((String) row.get("clientid"), exchange);
        }
        assertEquals(Set.of(ROOM2, "sleeper-1", Fleets.AWKWARD_ID), byClient.keySet());

        Map<?, ?> room2 = byClient.get(ROOM2).getMessage().getBody(Map.class);
        assertEquals(true, room2.get("connected"));
        assertEquals(40, room2.get("recv_msg"));
        assertEquals(40, room2.get("recv_msg.qos0"), "flat dotted keys, as EMQX sends them");
        assertEquals(2, room2.get("send_msg.dropped.queue_full"));
        assertEquals(1, room2.get("subscriptions_cnt"));
        assertEquals(120, room2.get("keepalive"));
        assertEquals("2026-01-01T08:00:00.000+08:00", room2.get("connected_at"));

        Map<?, ?> sleeper = byClient.get("sleeper-1").getMessage().getBody(Map.class);
        assertEquals(false, sleeper.get("connected"));
        assertEquals(false, byClient.get("sleeper-1").getMessage().getHeader("EmqxConnected"));
        assertEquals("2026-01-01T08:00:30.000+08:00", sleeper.get("disconnected_at"));

        Map<?, ?> awkward = byClient.get(Fleets.AWKWARD_ID).getMessage().getBody(Map.class);
        assertEquals(2, awkward.get("recv_msg.qos2"));

        // one request, filtered to the monitored ids, each one URL-encoded
        assertEquals(1, emqx.requests().count());
        SeenRequest request = emqx.requests().last();
        assertEquals(List.of(ROOM2, "sleeper-1", "ghost-1", Fleets.AWKWARD_ID), request.clientIdParams());
        assertTrue(request.rawPathAndQuery().endsWith("&clientid=plant%2Fline%201%2B%26%23%25-%C3%BC"), request.rawPathAndQuery());

        // the credentials went out as a header only: never in an endpoint URI, never in the log
        for (Endpoint endpoint : app.context().getEndpoints()) {
            assertFalse(endpoint.getEndpointUri().contains(SECRET) || endpoint.getEndpointUri().contains("monitor-key"),
                    endpoint.getEndpointUri());
        }
        assertFalse(log.text().contains(SECRET), "the secret is never logged");
        assertTrue(log.lines("secretKey = xxxxxx").size() == 1, "camel-main's summary masks secretKey");
    }

    @Test
    void ofTakeoverDuplicatesOnlyTheLiveRowIsEmittedAndEmqxBefore56IsReadInFull() throws Exception {
        emqx.close();
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults().withVersion(EmqxVersion.V5_4));
        clock.advance(Duration.ofSeconds(10));
        emqx.fleet().client(ROOM2).takeoverDuplicate(true).connect(); // a stale row on another node, then the live one

        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, 300));
        MockEndpoint records = records();
        records.expectedMinimumMessageCount(6); // two polls
        records.assertIsSatisfied(10_000);

        List<Exchange> firstPoll = records.getExchanges().subList(0, 3);
        assertEquals(List.of(ROOM2, "sleeper-1", Fleets.AWKWARD_ID),
                firstPoll.stream().map(e -> e.getMessage().getHeader("EmqxClientId")).toList(), "in the order the ids were given");
        Map<?, ?> room2 = firstPoll.get(0).getMessage().getBody(Map.class);
        assertEquals(true, room2.get("connected"), "the connected row wins");
        assertEquals(0, room2.get("recv_msg"), "the live row of the new connection, not the stale one");

        // 5.4 ignored the filter, then refused limit=10000: the first poll started over twice; the next poll
        // asked the way the first one learnt
        List<SeenRequest> requests = emqx.requests().all().subList(0, 4);
        assertEquals(List.of(200, 400, 200, 200), requests.stream().map(SeenRequest::status).toList());
        assertEquals(4, requests.get(0).clientIdParams().size());
        assertEquals(List.of(10_000, 1_000, 1_000), requests.subList(1, 4).stream().map(SeenRequest::limit).toList());
        assertTrue(requests.subList(1, 4).stream().allMatch(r -> r.clientIdParams().isEmpty()), "the full list");
        assertEquals(1, log.lines("EMQX ignores the clientid filter").size(), "said once");
    }

    @Test
    void a5xxIsRetriedWithBackOffAndTheRecordsArrive() throws Exception {
        emqx.faults().nodeDown(2);
        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY));
        MockEndpoint records = records();
        records.expectedMessageCount(3);
        records.setAssertPeriod(300);
        records.assertIsSatisfied(10_000);
        // attempts=3: two 500s and the answer; the route's own error handler (4 redeliveries) added nothing
        assertEquals(List.of(500, 500, 200), emqx.requests().all().stream().map(SeenRequest::status).toList());
        assertEquals(List.of(), log.lines("[WARN]"));
    }

    @Test
    void a5xxThatOutlastsTheAttemptsFailsThatPollOnlyAndTheNextPollDelivers() throws Exception {
        emqx.faults().nodeDown(3);
        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, 300));
        MockEndpoint records = records();
        records.expectedMessageCount(3);
        records.assertIsSatisfied(10_000);
        assertEquals(List.of(500, 500, 500, 200), emqx.requests().all().subList(0, 4).stream().map(SeenRequest::status).toList());
        List<String> warnings = log.lines("[WARN]");
        assertEquals(1, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.get(0).contains("EmqxClientsSource - broker plant-broker: poll of EMQX failed (http_5xx)"), warnings.get(0));
        await(() -> !log.lines("answers again").isEmpty());
    }

    @Test
    void rejectedCredentialsAreNotRetriedEmitNothingAndLogOneWarning() throws Exception {
        emqx.faults().unauthorized(1);
        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY));
        await(() -> !log.lines("[WARN]").isEmpty());
        Thread.sleep(200);
        assertEquals(1, emqx.requests().count(), "4xx is not retried");
        assertEquals(0, records().getReceivedCounter());
        String warning = log.lines("[WARN]").get(0);
        assertTrue(warning.contains("EmqxClientsSource - broker plant-broker: poll of EMQX failed (auth): EMQX rejected the API key"), warning);
        assertTrue(warning.contains("check apiKey and secretKey"), "names the Kamelet's parameters: " + warning);
    }

    @Test
    void aBrokerThatKeepsRejectingCausesOneWarningNotAnExceptionStorm() throws Exception {
        emqx.faults().unauthorized(Faults.FOREVER);
        app = EmbeddingApp.start(EmbeddingApp.properties(emqx, WATCHED, 100));
        await(() -> emqx.requests().count() >= 5);
        assertEquals(0, records().getReceivedCounter());
        assertEquals(1, log.lines("[WARN]").size(), log.text());
        assertEquals(List.of(), log.lines("[ERROR]"));
        assertEquals(List.of(), log.lines("\tat "), "no stack traces");
    }

    @Test
    void theKameletIsFoundOnTheClasspathAsWhenTheJarIsADependency() throws Exception {
        Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
        properties.put("camel.component.kamelet.location", "classpath:kamelets"); // Camel's default
        app = EmbeddingApp.start(properties);
        MockEndpoint records = records();
        records.expectedMessageCount(3);
        records.assertIsSatisfied(10_000);
    }

    @Test
    void twoKameletRoutesPollTwoBrokersEachWithItsOwnParameters() throws Exception {
        try (EmqxSimulator us = Fleets.smallFleet(new SteppedClock(Fleets.START),
                SimulatorOptions.defaults().withCredentials("us-key", "us-secret"))) {
            us.fleet().client(ROOM2).disconnect(true);
            Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
            properties.put("camel.main.routes-include-pattern", "classpath:kamelet/two-brokers-route.yaml");
            properties.put("emqx.eu.url", emqx.apiUrl());
            properties.put("emqx.us.url", us.apiUrl());
            properties.put("camel.kamelet.emqx-clients-source.us.apiKey", "us-key");
            properties.put("camel.kamelet.emqx-clients-source.us.secretKey", "us-secret");
            app = EmbeddingApp.start(properties);
            MockEndpoint records = records();
            records.expectedMessageCount(6);
            records.setAssertPeriod(300);
            records.assertIsSatisfied(10_000);
            Map<String, Object> room2 = new HashMap<>();
            records.getExchanges().stream().filter(e -> ROOM2.equals(e.getMessage().getHeader("EmqxClientId")))
                    .forEach(e -> room2.put(e.getMessage().getHeader("EmqxBroker", String.class), e.getMessage().getHeader("EmqxConnected")));
            assertEquals(Map.of("eu", true, "us", false), room2);
            assertEquals(1, emqx.requests().count());
            assertEquals(1, us.requests().count());
        }
    }

    @Test
    void tlsParametersReachTheHttpsEndpoint() throws Exception {
        Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
        int closedPort = RunningExporter.freePort();
        properties.put("emqx.url", "https://127.0.0.1:" + closedPort + "/api");
        properties.put("camel.kamelet.emqx-clients-source.insecure", "true");
        app = EmbeddingApp.start(properties);
        await(() -> !log.lines("[WARN]").isEmpty());
        assertTrue(app.context().getEndpoints().stream().map(Endpoint::getEndpointUri).filter(uri -> uri.startsWith("https://"))
                .map(uri -> URLDecoder.decode(uri, StandardCharsets.UTF_8))
                .anyMatch(uri -> uri.contains("sslContextParameters=#emqxTlsTrustAll")
                        && uri.contains("x509HostnameVerifier=#class:org.apache.hc.client5.http.ssl.NoopHostnameVerifier")),
                () -> "insecure reached the https endpoint: " + app.context().getEndpoints());
        // nobody listens there: refused on every attempt, then one WARN
        assertTrue(log.lines("[WARN]").get(0).contains("poll of EMQX failed (connect): cannot connect to https://127.0.0.1:" + closedPort),
                log.lines("[WARN]").get(0));
        assertEquals(0, records().getReceivedCounter());
    }

    @Test
    void aWrongParameterStopsTheStartAndSaysWhichOne() {
        Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
        properties.put("emqx.url", "emqx:18083");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties));
        assertTrue(rootCause(failure).getMessage().contains("emqx-clients-source: apiUrl='emqx:18083' is not EMQX's API base"),
                rootCause(failure).getMessage());

        properties.put("emqx.url", emqx.apiUrl());
        properties.put("emqx.watch", " , ");
        failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties));
        assertTrue(rootCause(failure).getMessage().contains("clientIds is empty"), rootCause(failure).getMessage());
    }

    @Test
    void anApiUrlWithAPasswordStopsTheStartWithoutPrintingIt() {
        Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
        properties.put("emqx.url", "http://admin:TopSecret99@127.0.0.1:1/api");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties));
        String message = rootCause(failure).getMessage();
        assertTrue(message.contains("emqx-clients-source: apiUrl has a user name or password in it"), message);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains("TopSecret99"), "not in what the host prints: " + t);
        }
        assertFalse(log.text().contains("TopSecret99"), "never logged: " + log.lines("TopSecret99"));
        assertEquals(List.of(), log.lines("(connect)"), "no poll was tried");
    }

    @Test
    void aCaBundleThatIsNotPemStopsTheStartNamingCaBundle(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "");
        java.nio.file.Path garbage = java.nio.file.Files.writeString(dir.resolve("key.txt"), "not a certificate\n");
        for (java.nio.file.Path bad : List.of(empty, garbage, dir)) {
            Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
            properties.put("camel.kamelet.emqx-clients-source.caBundle", bad.toString());
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties), bad.toString());
            String message = rootCause(failure).getMessage();
            assertTrue(message.startsWith("emqx-clients-source: caBundle") && message.contains(bad.toString()), message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    @Test
    void aPeriodBelowOneMillisecondOrNotANumberStopsTheStart() {
        for (String bad : List.of("0", "-5", "abc", "1.5")) {
            Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
            properties.put("emqx.period", bad);
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties), bad);
            String message = rootCause(failure).getMessage();
            assertTrue(message.startsWith("emqx-clients-source: period='" + bad + "' is not a whole number of milliseconds"), message);
            assertEquals(1, message.lines().count(), message);
        }
        assertEquals(0, emqx.requests().count(), "no poll ran");
    }

    @Test
    void aBlankBrokerAliasStopsTheStart() {
        for (String blank : List.of("  ", "")) {
            Map<String, String> properties = EmbeddingApp.properties(emqx, WATCHED, ONE_POLL_ONLY);
            properties.put("emqx.alias", blank);
            properties.put("camel.main.routes-include-pattern", "classpath:kamelet/alias-route.yaml");
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddingApp.start(properties), "'" + blank + "'");
            String message = rootCause(failure).getMessage();
            assertTrue(message.startsWith("emqx-clients-source: brokerAlias is blank"), message);
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
