package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EMQX accepts the request and never answers, and the exporter's timeout is long (30 s): the timer's poll is
 * stuck for all that time. Scrapes, health probes and the landing page still answer at once, and stopping the
 * exporter abandons the stuck poll: it stops within a few seconds, without a storm of exceptions in the log, and
 * saves its state file on the way out.
 */
class HungPollTest {
    /** Far below the 30 s the stuck request would hold a scrape that waited for it; far above any scheduling hiccup. */
    private static final long PROMPT_MILLIS = 10_000;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;
    private java.nio.file.Path stateFile;
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @BeforeEach
    void start() throws Exception {
        stateFile = dir.resolve("state.json");
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("emqx.timeout-seconds", "30");
        properties.put("monitor.state-file", stateFile.toString());
        // the real timer: a first poll at once, then one a second
        properties.put("monitor.poll-interval-seconds", "1");
        properties.put("monitor.first-poll-delay-ms", "0");
        exporter = RunningExporter.start(properties, clock);
        awaitTrue(() -> exporter.tracker().broker("emqx").health().up(), "the first poll");
        emqx.faults().hang(Faults.FOREVER);
        awaitTrue(() -> emqx.requests().inFlight() == 1, "a poll stuck in EMQX");
    }

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        emqx.close();
    }

    @Test
    void scrapesAndProbesAnswerAtOnceWhileAPollIsStuck() {
        for (int i = 0; i < 10; i++) {
            for (String path : List.of("/metrics", "/-/healthy", "/-/ready", "/")) {
                long started = System.nanoTime();
                HttpResponse<String> response = exporter.get(path, null);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals(200, response.statusCode(), path);
                assertTrue(millis < PROMPT_MILLIS, path + " took " + millis + " ms during a stuck poll");
            }
        }
        Exposition metrics = new Exposition(exporter.scrape());
        assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""), "the last poll succeeded");
        assertEquals(1, emqx.requests().inFlight(), "the stuck request is still waiting");
    }

    @Test
    void stoppingDuringAStuckPollAbandonsItAndStopsWithinSeconds() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            java.nio.file.Files.deleteIfExists(stateFile);
            long started = System.nanoTime();
            exporter.close();
            exporter = null;
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 5_000, "stopping took " + millis + " ms");
            List<String> stackTraceLines = log.lines(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
            assertEquals(0, stackTraceLines.size(), "exceptions logged while stopping");
            assertEquals(List.of(), log.lines(l -> l.contains("[WARN]") || l.contains("[ERROR]")), "warnings while stopping");
            // the abandoned poll's thread may write its line just after the context has stopped
            awaitTrue(() -> !log.lines(l -> l.contains("poll abandoned because the exporter is stopping")).isEmpty(),
                    "the line about the abandoned poll");
            assertEquals(1, log.lines(l -> l.contains("poll abandoned because the exporter is stopping")).size());
            assertTrue(java.nio.file.Files.readString(stateFile).contains("qingping-DEADBEEF5678"), "state saved at shutdown");
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 10 s for " + what);
            Thread.sleep(20);
        }
    }
}
