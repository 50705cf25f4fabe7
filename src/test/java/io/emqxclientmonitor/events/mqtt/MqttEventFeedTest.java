package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.state.EventFeedStats;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.Mosquitto;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.Route;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter with its MQTT event feed on, against a real MQTT 5 broker (mosquitto) and the simulated EMQX's API:
 * events reach the state, every failure of the feed is {@code event_feed_up 0} with one WARN that says what to do,
 * polls carry on as without the feed, the feed comes back by itself, garbage is counted and never crashes anything,
 * and the password is never printed.
 */
class MqttEventFeedTest {
    private static final String NODE = "emqx@127.0.0.1";
    private static final String BROKER = "broker=\"emqx\"";

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private Mosquitto mqtt;
    private RunningExporter exporter;
    private LogCapture log;

    @BeforeEach
    void start() {
        mqtt = Mosquitto.start();
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        log = LogCapture.start();
    }

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        log.close();
        emqx.close();
        mqtt.close();
    }

    private void startExporter(String user, String password, String topic) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.events.mqtt.url", mqtt.url());
        properties.put("emqx.events.mqtt.username", user);
        properties.put("emqx.events.mqtt.password", password);
        properties.put("emqx.events.mqtt.topic", topic);
        properties.put("emqx.events.mqtt.retry-delay-ms", "50");
        properties.put("emqx.events.mqtt.max-retry-delay-ms", "400");
        exporter = RunningExporter.start(properties, clock);
        exporter.pollNow();
    }

    private void startFeed() {
        startExporter(Mosquitto.FEED_USER, Mosquitto.FEED_PASSWORD, Mosquitto.EVENTS_FILTER);
        await(() -> feedUp() == 1.0);
    }

    @Test
    @DisplayName("an EMQX $SYS connected event reaches the state through the feed route, and the feed is up")
    void sysEventsReachTheState() throws Exception {
        startFeed();
        double before = eventsTotal();

        publishSys("sleeper-1", "connected", connected("sleeper-1", Fleets.START.toEpochMilli() + 90_000));
        await(() -> eventsTotal() > before);

        assertEquals(0.0, invalid());
        assertTrue(exporter.context().getRoute(MqttFeedRoutes.ROUTE_PREFIX + "emqx") != null);
    }

    @Test
    @DisplayName("the client id comes from the JSON, never from the topic (whose id level may hold /, spaces, non-ASCII)")
    void clientIdFromTheJsonNotTheTopic() throws Exception {
        startFeed();
        String sleeper = "alias=\"Sleeper\",broker=\"emqx\",client_id=\"sleeper-1\"";
        double before = new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_connects_total", sleeper);

        publishSys("decoy/with space/ü", "connected", connected("sleeper-1", Fleets.START.toEpochMilli() + 90_000));
        await(() -> new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_connects_total", sleeper) > before);

        assertEquals(before + 1, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_connects_total", sleeper));
    }

    @Test
    @DisplayName("the MQTT broker killed mid-run: event_feed_up 0, one WARN, polls unaffected; after its restart the feed is up again by itself")
    void brokerKilledMidRun() throws Exception {
        startFeed();
        String polledBefore = clientLines(exporter.scrape());
        log.reset();

        mqtt.kill();
        await(() -> feedUp() == 0.0);
        Thread.sleep(1000); // reconnect attempts meanwhile
        exporter.pollNow();
        Exposition during = new Exposition(exporter.scrape());
        assertEquals(1.0, during.valueOf("emqx_client_monitor_up", BROKER), "the poll does not depend on the feed");
        assertEquals(polledBefore, clientLines(exporter.scrape()), "client metrics as without the feed");
        assertEquals(1, feedWarnings().size(), () -> "one WARN for the outage: " + feedWarnings());

        mqtt.restart();
        await(() -> feedUp() == 1.0);
        double before = eventsTotal();
        publishSys("sleeper-1", "connected", connected("sleeper-1", Fleets.START.toEpochMilli() + 90_000));
        await(() -> eventsTotal() > before);
        assertEquals(1, feedWarnings().size(), () -> "recovery is no WARN: " + feedWarnings());
        assertEquals(200, exporter.get("/-/ready", null).statusCode());
    }

    @Test
    @DisplayName("a wrong password: event_feed_up 0, one WARN naming the settings, no password anywhere in the log; polls unaffected")
    void wrongPassword() throws Exception {
        startExporter(Mosquitto.FEED_USER, "wrong-Pa55word-secret", Mosquitto.EVENTS_FILTER);
        await(() -> !feedWarnings().isEmpty());
        Thread.sleep(500); // retries meanwhile

        assertEquals(0.0, feedUp());
        List<String> warnings = feedWarnings();
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("emqx.events.mqtt.password"), warnings.get(0));
        assertFalse(log.text().contains("wrong-Pa55word-secret"), "the password is never printed");
        assertEquals(1.0, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", BROKER));
        assertEquals(200, exporter.get("/-/ready", null).statusCode(), "the feed does not gate readiness");
    }

    @Test
    @DisplayName("a refused subscription: event_feed_up 0 and one WARN with the acl.conf line to add")
    void subscriptionRefused() throws Exception {
        startExporter(Mosquitto.STRANGER, Mosquitto.STRANGER_PASSWORD, Mosquitto.EVENTS_FILTER);
        await(() -> !feedWarnings().isEmpty());
        Thread.sleep(500);

        assertEquals(0.0, feedUp());
        List<String> warnings = feedWarnings();
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("{allow, {username, \"stranger\"}, subscribe, [\"" + Mosquitto.EVENTS_FILTER
                + "\"]}."), warnings.get(0));
    }

    @Test
    @DisplayName("the password never appears in the log nor in an endpoint URI Camel knows")
    void passwordNeverPrinted() {
        startFeed();
        assertFalse(log.text().contains(Mosquitto.FEED_PASSWORD), "startup log");
        for (Route route : exporter.context().getRoutes()) {
            assertFalse(route.getEndpoint().getEndpointUri().contains(Mosquitto.FEED_PASSWORD), route.getRouteId());
        }
        exporter.context().getEndpoints().forEach(endpoint ->
                assertFalse(endpoint.getEndpointUri().contains(Mosquitto.FEED_PASSWORD), endpoint.getEndpointUri()));
    }

    @Test
    @DisplayName("garbage payloads are counted invalid, the feed stays up and nothing is logged as an error")
    void garbageIsCountedInvalid() throws Exception {
        startFeed();
        List<String> garbage = List.of("", "not json", "[42]", "{\"clientid\":42}", "{\"clientid\":null}",
                "{\"clientid\":\"sleeper-1\",\"connected_at\":\"soon\"}", "\u0000\u0001\u0002", "{".repeat(10_000),
                "{\"clientid\":\"" + "x".repeat(1_000_000) + "\"}");
        for (String payload : garbage) {
            publishSys("junk", "connected", payload);
        }
        await(() -> invalid() >= garbage.size());

        assertEquals(garbage.size(), invalid());
        assertEquals(1.0, feedUp());
        assertEquals(List.of(), log.warningsAndErrors());
        assertEquals(1.0, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", BROKER));
    }

    @Test
    @DisplayName("republish mode: the rule's output on a plain topic (QoS 1) reaches the state")
    void republishMode() throws Exception {
        startExporter(Mosquitto.FEED_USER, Mosquitto.FEED_PASSWORD, Mosquitto.REPUBLISH_TOPIC);
        await(() -> feedUp() == 1.0);
        double before = eventsTotal();

        publish(Mosquitto.REPUBLISH_TOPIC, "{\"event\":\"client.connected\",\"clientid\":\"sleeper-1\",\"node\":\"" + NODE
                + "\",\"connected_at\":" + (Fleets.START.toEpochMilli() + 90_000) + ",\"timestamp\":"
                + (Fleets.START.toEpochMilli() + 90_001) + ",\"username\":\"u\",\"peername\":\"10.0.0.1:5000\"}");
        await(() -> eventsTotal() > before);
        assertEquals(0.0, invalid());
    }

    @Test
    @DisplayName("with the feed off there is no feed route and the exporter is ready")
    void feedOffMakesNoRoute() {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        exporter = RunningExporter.start(properties, clock);

        assertTrue(exporter.context().getRoutes().stream()
                .noneMatch(route -> route.getRouteId().startsWith(MqttFeedRoutes.ROUTE_PREFIX)));
        assertEquals(200, exporter.get("/-/ready", null).statusCode());
    }

    private List<String> feedWarnings() {
        return log.lines(line -> line.contains("[WARN]") && line.toLowerCase().contains("feed"));
    }

    // the feed's state as the metrics show it (event_feed_up, events_total, events_invalid_total of broker "emqx")
    private EventFeedStats feed() {
        return exporter.tracker().broker("emqx").eventFeed();
    }

    private double feedUp() {
        return feed().up() ? 1.0 : 0.0;
    }

    private double invalid() {
        return feed().invalid();
    }

    private double eventsTotal() {
        return feed().connected() + feed().disconnected();
    }

    private static String clientLines(String exposition) {
        return String.join("\n", exposition.lines().filter(line -> line.contains("client_id=")).toList());
    }

    private static String connected(String clientId, long connectedAt) {
        return "{\"clientid\":\"" + clientId + "\",\"username\":\"u\",\"ipaddress\":\"10.0.0.1\",\"sockport\":1883,"
                + "\"protocol\":\"mqtt\",\"proto_name\":\"MQTT\",\"proto_ver\":5,\"connected_at\":" + connectedAt
                + ",\"ts\":" + connectedAt + ",\"keepalive\":60,\"clean_start\":true,\"expiry_interval\":0}";
    }

    private void publishSys(String clientId, String event, String payload) throws MqttException {
        publish(Mosquitto.SYS_PREFIX + "$SYS/brokers/" + NODE + "/clients/" + clientId + "/" + event, payload);
    }

    private void publish(String topic, String payload) throws MqttException {
        MqttClient publisher = new MqttClient(mqtt.url(), "publisher-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(Mosquitto.PUBLISHER);
        options.setPassword(Mosquitto.PUBLISHER_PASSWORD.getBytes(StandardCharsets.UTF_8));
        publisher.connect(options);
        publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.disconnect();
        publisher.close();
    }

    private static void await(BooleanSupplier condition) {
        try {
            MqttFeedTest.await(condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
