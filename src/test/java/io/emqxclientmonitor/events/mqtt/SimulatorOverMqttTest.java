package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.MqttEventTransport;
import io.emqxclientmonitor.simulator.SimulatedEvents;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.Mosquitto;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The simulator's events travel over a real MQTT broker to the exporter's feed, in both shapes: EMQX's
 * {@code $SYS} topics (QoS 0, under mosquitto's prefix) and a rule's republish topic (QoS 1). A sleepy device
 * that connects and leaves between two polls is counted for every session, with its reasons, only from the feed.
 */
class SimulatorOverMqttTest {
    private static final String SENSOR = "sleepy-sensor";
    private static final String SENSOR_LABELS = "alias=\"Sensor\",broker=\"emqx\",client_id=\"" + SENSOR + "\"";

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private Mosquitto mqtt;
    private EmqxSimulator emqx;
    private MqttEventTransport transport;
    private RunningExporter exporter;

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (emqx != null) {
            emqx.close();
        }
        if (mqtt != null) {
            mqtt.close();
        }
    }

    @Test
    @DisplayName("$SYS shape: three 2-second sessions between two polls are three connects, all from the feed")
    void sysShape() throws Exception {
        mqtt = Mosquitto.start();
        transport = MqttEventTransport.sys(mqtt.url(), Mosquitto.PUBLISHER, Mosquitto.PUBLISHER_PASSWORD, Mosquitto.SYS_PREFIX);
        run(SimulatedEvents.Shape.SYS, Mosquitto.EVENTS_FILTER);
    }

    @Test
    @DisplayName("republish shape: the same sessions through a rule's republish topic (QoS 1)")
    void republishShape() throws Exception {
        mqtt = Mosquitto.start();
        transport = MqttEventTransport.republish(mqtt.url(), Mosquitto.PUBLISHER, Mosquitto.PUBLISHER_PASSWORD,
                Mosquitto.REPUBLISH_TOPIC);
        run(SimulatedEvents.Shape.RULE, Mosquitto.REPUBLISH_TOPIC);
    }

    private void run(SimulatedEvents.Shape shape, String topic) throws Exception {
        Fleet fleet = new Fleet(clock);
        SimulatedEvents events = SimulatedEvents.faithful(shape).to(transport);
        fleet.onEvents(events);
        fleet.add("always-on");
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", "Sensor=" + SENSOR + ",Always=always-on");
        properties.put("emqx.events.mqtt.url", mqtt.url());
        properties.put("emqx.events.mqtt.username", Mosquitto.FEED_USER);
        properties.put("emqx.events.mqtt.password", Mosquitto.FEED_PASSWORD);
        properties.put("emqx.events.mqtt.topic", topic);
        exporter = RunningExporter.start(properties, clock);
        MqttFeedTest.await(() -> exporter.tracker().broker("emqx").eventFeed().up());
        exporter.pollNow();

        long before = events.connects() + events.disconnects(); // always-on's connect, sent before the feed was there
        var sensor = fleet.add(SENSOR);
        sensor.disconnect(false, "normal");
        for (int session = 0; session < 3; session++) {
            clock.advance(Duration.ofSeconds(18));
            sensor.connect();
            clock.advance(Duration.ofSeconds(2));
            sensor.disconnect(false, session == 1 ? "keepalive_timeout" : "normal");
        }
        events.flush();
        long expected = events.connects() + events.disconnects() - before;
        MqttFeedTest.await(() -> {
            var feed = exporter.tracker().broker("emqx").eventFeed();
            return feed.connected() + feed.disconnected() >= expected;
        });
        exporter.pollNow();

        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(4.0, metrics.valueOf("emqx_client_monitor_connects_total", SENSOR_LABELS),
                "the first session (added and left before any poll) and three more, each counted once");
        assertEquals(0.0, exporter.tracker().broker("emqx").eventFeed().invalid());
    }
}
