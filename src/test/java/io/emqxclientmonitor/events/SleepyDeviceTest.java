package io.emqxclientmonitor.events;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatedClient;
import io.emqxclientmonitor.simulator.SimulatedEvents;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.simulator.WebhookTransport;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 9's sleepy device on a stepped clock: it connects for 2 s every 20 s with a clean session, and is polled every
 * 15 s, for 10 minutes (30 sessions). A poll sees a session only when it falls inside one: at 0, 60, 120 … 540 s,
 * so polls alone count 10 of 30 (the documented lower bound: one in three). With the webhook feed every session is
 * counted, and every drop has EMQX's reason.
 */
class SleepyDeviceTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String DEVICE = "sensor-1";
    private final SteppedClock clock = new SteppedClock(T0);
    private final Fleet fleet = new Fleet(clock);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;


    private SimulatedEvents run(boolean feed) {
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", "Sensor=" + DEVICE);
        properties.put("emqx.events.webhook.enabled", Boolean.toString(feed));
        exporter = RunningExporter.start(properties, clock);
        SimulatedEvents events = SimulatedEvents.faithful(SimulatedEvents.Shape.RULE);
        if (feed) {
            events.to(new WebhookTransport(URI.create("http://127.0.0.1:" + exporter.port() + "/api/v1/emqx/events"), null));
        }
        fleet.onEvents(events);
        SimulatedClient device = null;
        int sessions = 0;
        for (int second = 0; second < 600; second++) {
            if (second % 20 == 0) {
                if (device == null) {
                    device = fleet.add(DEVICE);
                } else {
                    device.connect();
                }
            } else if (second % 20 == 2) {
                device.disconnect(false, ++sessions % 3 == 0 ? "keepalive_timeout" : "normal");
            }
            if (second % 15 == 0) {
                exporter.pollNow();
            }
            clock.advance(Duration.ofSeconds(1));
        }
        exporter.pollNow();
        return events;
    }

    private ClientView device() {
        return exporter.tracker().views().get(0);
    }

    @Test
    @DisplayName("with the webhook feed, connects_total equals the simulator's count exactly and every drop has its reason")
    void withTheFeedEverySessionIsCountedWithItsReason() {
        SimulatedEvents truth = run(true);
        assertEquals(30, truth.connects());
        ClientView device = device();
        assertEquals(truth.connects(), device.connects());
        assertEquals(truth.disconnects(), device.disconnects());
        Exposition metrics = new Exposition(exporter.scrape());
        String labels = "alias=\"Sensor\",broker=\"emqx\",client_id=\"" + DEVICE + "\"";
        assertEquals(30, metrics.valueOf("emqx_client_monitor_connects_total", labels));
        assertEquals(20, metrics.valueOf("emqx_client_monitor_disconnects_by_reason_total", labels + ",reason=\"normal\""));
        assertEquals(10, metrics.valueOf("emqx_client_monitor_disconnects_by_reason_total", labels + ",reason=\"keepalive_timeout\""));
        assertEquals(0, metrics.value("emqx_client_monitor_disconnects_by_reason_total", labels + ",reason=\"unknown\"").orElse(0.0));
        assertEquals(0, metrics.valueOf("emqx_client_monitor_event_missed_sessions_total", "broker=\"emqx\""));
    }

    @Test
    @DisplayName("without the feed, polls count the documented lower bound: 10 of the 30 sessions")
    void withoutTheFeedPollsCountTheLowerBound() {
        SimulatedEvents truth = run(false);
        assertEquals(30, truth.connects());
        assertEquals(10, device().connects());
    }
}
