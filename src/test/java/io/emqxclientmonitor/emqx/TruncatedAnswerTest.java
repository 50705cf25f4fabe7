package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A broken answer is one failure state: its message must not change from poll to poll (one WARN, not one per poll). */
class TruncatedAnswerTest {

    @Test
    void aTruncatedAnswerFailsWithTheSameMessageAtEveryPoll() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        try (EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults())) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                emqx.faults().truncated(Faults.FOREVER);
                exporter.pollNow();
                PollFailure first = exporter.tracker().brokers().iterator().next().health().lastFailure();
                clock.advance(Duration.ofSeconds(15));
                exporter.pollNow();
                PollFailure second = exporter.tracker().brokers().iterator().next().health().lastFailure();
                assertNotNull(first);
                assertEquals(first, second);
            }
        }
    }
}
