package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.support.Mosquitto;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT connection of the event feed against a real MQTT 5 broker (mosquitto), through Camel's paho-mqtt5
 * consumer (4.17.0 on Camel 4.18 core): every failure state is reported with its reason and fix, once per change,
 * and the feed comes back by itself.
 */
class MqttFeedTest {
    private Mosquitto broker;
    private CamelContext camel;
    private MqttFeed feed;
    private final Signals signals = new Signals();
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = Mosquitto.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (feed != null) {
            feed.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @DisplayName("subscribes to a filter with $, + and # through the route and delivers every message, then says connected")
    void deliversMessagesOfTheWildcardFilter() throws Exception {
        start(Mosquitto.FEED_USER, Mosquitto.FEED_PASSWORD, Mosquitto.EVENTS_FILTER, broker.url());
        await(() -> signals.connects() == 1);

        publish(Mosquitto.SYS_PREFIX + "$SYS/brokers/emqx@127.0.0.1/clients/c1/connected", "{\"clientid\":\"c1\"}");
        publish(Mosquitto.SYS_PREFIX + "$SYS/brokers/emqx@127.0.0.1/clients/a/b/disconnected", "{\"clientid\":\"a/b\"}");
        await(() -> delivered.size() == 2);

        assertEquals(List.of("{\"clientid\":\"c1\"}", "{\"clientid\":\"a/b\"}"), delivered);
        assertEquals(List.of(), signals.downs());
    }

    @Test
    @DisplayName("a refused subscription (SUBACK 0x87) is feed down 'subscription_refused' with the ACL line to add")
    void refusedSubscriptionIsReportedWithTheAclLine() throws Exception {
        start(Mosquitto.STRANGER, Mosquitto.STRANGER_PASSWORD, Mosquitto.EVENTS_FILTER, broker.url());
        await(() -> signals.downs().size() >= 2);

        assertEquals(0, signals.connects());
        String first = signals.downs().get(0);
        assertTrue(first.startsWith("subscription_refused: "), first);
        assertTrue(first.contains("0x87"), first);
        assertTrue(first.contains("{allow, {username, \"stranger\"}, subscribe, [\"sim/$SYS/brokers/+/clients/#\"]}."), first);
        assertTrue(signals.downs().stream().allMatch(down -> down.startsWith("subscription_refused: ")), signals.downs()::toString);
    }

    @Test
    @DisplayName("a wrong password is feed down 'auth_failed', naming the settings and never the password")
    void wrongPasswordIsAuthFailed() throws Exception {
        start(Mosquitto.FEED_USER, "not-the-Pa55word", Mosquitto.EVENTS_FILTER, broker.url());
        await(() -> !signals.downs().isEmpty());

        String first = signals.downs().get(0);
        assertTrue(first.startsWith("auth_failed: "), first);
        assertTrue(first.contains("user 'monitor'") && first.contains("emqx.events.mqtt.password"), first);
        assertFalse(first.contains("not-the-Pa55word"), first);
    }

    @Test
    @DisplayName("nothing listening is feed down 'unreachable'; the route starts all the same and the feed connects once the broker is there")
    void unreachableAtStartThenRecovers() throws Exception {
        broker.kill();
        start(Mosquitto.FEED_USER, Mosquitto.FEED_PASSWORD, Mosquitto.EVENTS_FILTER, broker.url());
        await(() -> !signals.downs().isEmpty());
        String first = signals.downs().get(0);
        assertTrue(first.startsWith("unreachable: ") && first.contains(broker.url()), first);
        assertTrue(camel.getRouteController().getRouteStatus("feed").isStarted());

        broker.restart();
        await(() -> signals.connects() == 1);
        publish(Mosquitto.SYS_PREFIX + "$SYS/brokers/n/clients/c1/connected", "after");
        await(() -> delivered.contains("after"));
    }

    @Test
    @DisplayName("a broker killed mid-run is feed down 'disconnected'; after its restart the feed resubscribes and says connected again")
    void brokerKilledMidRunRecovers() throws Exception {
        start(Mosquitto.FEED_USER, Mosquitto.FEED_PASSWORD, Mosquitto.EVENTS_FILTER, broker.url());
        await(() -> signals.connects() == 1);

        broker.kill();
        await(() -> !signals.downs().isEmpty());
        Thread.sleep(1000); // several reconnect attempts (50 ms doubling to 400 ms) fail meanwhile
        assertTrue(signals.downs().stream().allMatch(down -> down.startsWith("disconnected: ")),
                "one outage, one reason, though reconnecting finds nothing listening: " + signals.downs());

        broker.restart(); // mosquitto without persistence forgets the session: the feed must subscribe again
        await(() -> signals.connects() == 2);
        publish(Mosquitto.SYS_PREFIX + "$SYS/brokers/n/clients/c2/connected", "back");
        await(() -> delivered.contains("back"));
    }

    private void start(String user, String password, String topic, String url) throws Exception {
        MqttFeedSettings settings = new MqttFeedSettings("emqx", url, "feed-test-" + System.nanoTime(), user, password,
                topic, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(2), null, true,
                Duration.ofMillis(50), Duration.ofMillis(400));
        feed = new MqttFeed(settings, signals);
        feed.start();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("feedClient", feed.client());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("paho-mqtt5:" + MqttFeedRoutes.encodeTopic(topic) + "?client=#feedClient&qos=1").routeId("feed")
                        .process(exchange -> delivered.add(new String(exchange.getMessage().getBody(byte[].class),
                                StandardCharsets.UTF_8)));
            }
        });
        camel.start();
    }

    private void publish(String topic, String payload) throws MqttException {
        MqttClient publisher = new MqttClient(broker.url(), "publisher-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(Mosquitto.PUBLISHER);
        options.setPassword(Mosquitto.PUBLISHER_PASSWORD.getBytes(StandardCharsets.UTF_8));
        publisher.connect(options);
        publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.disconnect();
        publisher.close();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }

    /** Records what the feed tells the state. */
    static final class Signals implements FeedSignals {
        private final List<String> downs = Collections.synchronizedList(new ArrayList<>());
        private volatile int connects;

        @Override
        public void feedConnected(String brokerAlias) {
            connects++;
        }

        @Override
        public void feedDown(String brokerAlias, String reason, String message) {
            downs.add(reason + ": " + message);
        }

        int connects() {
            return connects;
        }

        List<String> downs() {
            synchronized (downs) {
                return List.copyOf(downs);
            }
        }
    }
}
