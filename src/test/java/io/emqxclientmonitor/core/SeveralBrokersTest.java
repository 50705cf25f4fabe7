package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One exporter, two brokers, each with its own credentials and clients; one broker's outage does not touch the other. */
class SeveralBrokersTest {

    @Test
    void eachBrokerIsPolledWithItsOwnSettingsAndReportsItsOwnHealth() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet euFleet = new Fleet(clock);
        euFleet.add("sensor-1").publish(3, 0, 10);
        Fleet usFleet = new Fleet(clock);
        usFleet.add("sensor-1").publish(7, 0, 10);
        try (EmqxSimulator eu = new EmqxSimulator(euFleet, SimulatorOptions.defaults().withCredentials("eu-key", "eu-secret")).start();
             EmqxSimulator us = new EmqxSimulator(usFleet, SimulatorOptions.defaults().withCredentials("us-key", "us-secret")).start()) {
            Map<String, String> properties = RunningExporter.defaults(eu);
            properties.remove("emqx.url");
            properties.put("emqx.brokers", "eu,us");
            properties.put("emqx.broker.eu.url", eu.apiUrl());
            properties.put("emqx.broker.eu.api.key", "eu-key");
            properties.put("emqx.broker.eu.api.secret", "eu-secret");
            properties.put("emqx.broker.eu.clients", "kitchen=sensor-1");
            properties.put("emqx.broker.us.url", us.apiUrl());
            properties.put("emqx.broker.us.api.key", "us-key");
            properties.put("emqx.broker.us.api.secret", "us-secret");
            properties.put("emqx.broker.us.alias", "america");
            properties.put("emqx.broker.us.clients", "kitchen=sensor-1");
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow("eu");
                exporter.pollNow("america");
                Exposition metrics = new Exposition(exporter.scrape());
                assertEquals(3, metrics.valueOf("emqx_client_monitor_messages_processed_total",
                        "alias=\"kitchen\",broker=\"eu\",client_id=\"sensor-1\",direction=\"rx\""));
                assertEquals(7, metrics.valueOf("emqx_client_monitor_messages_processed_total",
                        "alias=\"kitchen\",broker=\"america\",client_id=\"sensor-1\",direction=\"rx\""));

                us.faults().unauthorized(1);
                exporter.pollNow("eu");
                exporter.pollNow("america");
                metrics = new Exposition(exporter.scrape());
                assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"eu\""));
                assertEquals(0, metrics.valueOf("emqx_client_monitor_up", "broker=\"america\""));
                assertEquals(1, metrics.valueOf("emqx_client_monitor_poll_errors_total", "broker=\"america\",reason=\"auth\""));
                assertEquals(0, metrics.valueOf("emqx_client_monitor_poll_errors_total", "broker=\"eu\",reason=\"auth\""));
            }
        }
    }

    @Test
    void theTimerPollsEachBrokerOnAThreadOfItsOwnAndKeepsNoMoreThreadsThanBrokers() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        fleet.add("sensor-1").publish(3, 0, 10);
        try (EmqxSimulator eu = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
             EmqxSimulator us = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(eu);
            properties.remove("emqx.url");
            properties.put("emqx.brokers", "eu,us");
            for (EmqxSimulator broker : java.util.List.of(eu, us)) {
                String name = broker == eu ? "eu" : "us";
                properties.put("emqx.broker." + name + ".url", broker.apiUrl());
                properties.put("emqx.broker." + name + ".api.key", broker.options().apiKey());
                properties.put("emqx.broker." + name + ".api.secret", broker.options().apiSecret());
                properties.put("emqx.broker." + name + ".clients", "kitchen=sensor-1");
            }
            properties.put("monitor.poll-interval-seconds", "1");
            properties.put("monitor.first-poll-delay-ms", "0");
            long before = splitThreads();
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                for (int i = 0; i < 300 && (eu.requests().count() < 12 || us.requests().count() < 12); i++) {
                    Thread.sleep(50);
                }
                assertTrue(eu.requests().count() >= 12 && us.requests().count() >= 12, "twelve timer polls of each broker");
                long threads = splitThreads() - before;
                assertTrue(threads >= 1 && threads <= 2,
                        threads + " threads for the split over 2 brokers (Camel's default profile grows to 10)");
            }
        }
    }

    private static long splitThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().endsWith(" - Split")).count();
    }

    @Test
    void duringATakeoverTheConnectedRowWins() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        fleet.add("moving-1").publish(4, 0, 10).takeoverDuplicate(true);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "mover=moving-1");
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                Exposition metrics = new Exposition(exporter.scrape());
                assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", "alias=\"mover\",broker=\"emqx\",client_id=\"moving-1\""));
                assertEquals(4, metrics.valueOf("emqx_client_monitor_messages_processed_total",
                        "alias=\"mover\",broker=\"emqx\",client_id=\"moving-1\",direction=\"rx\""));
            }
        }
    }
}
