package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EMQX slower than the poll interval (every answer takes 2.5 s, the timer fires every second): polls never
 * overlap and never pile up. The timer is synchronous, so the next poll starts only when the previous one ended;
 * the simulator counts the requests it serves at the same time and never sees two.
 */
class SlowEmqxTest {

    @Test
    void pollsNeverOverlapWhenEmqxIsSlowerThanThePollInterval() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults())) {
            emqx.faults().delay(Duration.ofMillis(2500), Faults.FOREVER);
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            properties.put("monitor.poll-interval-seconds", "1");
            properties.put("monitor.first-poll-delay-ms", "0");
            properties.put("emqx.timeout-seconds", "10");
            long started = System.nanoTime();
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                int maxInFlight = 0;
                while (System.nanoTime() - started < Duration.ofMillis(8200).toNanos()) {
                    maxInFlight = Math.max(maxInFlight, emqx.requests().inFlight());
                    exporter.scrape(); // scrapes during slow polls (that they never wait is HungPollTest's job)
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                int answered = emqx.requests().count();
                Exposition metrics = new Exposition(exporter.scrape());

                assertEquals(1, emqx.requests().peakInFlight(), "requests served at the same time");
                assertEquals(1, maxInFlight);
                // back to back at 2.5 s each: at most ceil(8.2 / 2.5) = 4 polls, and no backlog of missed ticks (the lower
                // bound is loose: a slow start on a loaded machine must not fail a test about pile-ups)
                assertTrue(answered >= 1 && answered <= Math.ceil(seconds / 2.5),
                        answered + " requests answered in " + seconds + " s");
                assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""), "slow is not down");
                assertTrue(metrics.valueOf("emqx_client_monitor_poll_duration_seconds", "broker=\"emqx\"") >= 2.5);
            }
        }
    }
}
