package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Faults;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak with EMQX failing: 30 failed polls (one a second) against an EMQX that answers 500 NODE_DOWN, with
 * 500 monitored clients and a scrape every 200 ms. Heap after GC, live threads and the log stay flat: no
 * growth per failed poll, no thread per poll, one log line for the whole outage. The soak is measured in polls,
 * not seconds, so a loaded machine makes it longer, not red. (The benchmark runs longer.)
 */
class SoakTest {
    private static final int MONITORED = 500;
    private static final int WARM_UP_POLLS = 6;
    private static final int SOAK_POLLS = 30;
    /** Only a timer that stopped polling takes this long (30 polls at 1 s). */
    private static final Duration GIVE_UP = Duration.ofMinutes(3);
    /** Far below what a leak of even 1 kB per client per poll would add (500 clients x 30 polls = 15 MB). */
    private static final long HEAP_GROWTH_BOUND = 6L << 20;

    @TempDir
    Path dir;

    @Test
    void memoryThreadsAndLogStayFlatWhilePollsKeepFailing() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = Fleet.connected(clock, "soak-", MONITORED, 20);
        Path clients = dir.resolve("clients.yaml");
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        for (String id : fleet.clientIds()) {
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        Files.writeString(clients, yaml);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients-file", clients.toString());
            properties.put("monitor.poll-interval-seconds", "1");
            properties.put("monitor.first-poll-delay-ms", "0");
            try (RunningExporter exporter = RunningExporter.start(properties, clock);
                 LogCapture log = LogCapture.start()) {
                awaitUp(exporter);
                emqx.faults().nodeDown(Faults.FOREVER);
                scrapeUntilFailedPolls(exporter, failedPolls(exporter) + WARM_UP_POLLS);
                emqx.requests().clear(); // the simulator logs every request: its memory, not the exporter's
                long heapBefore = heapAfterGc();
                int threadsBefore = Thread.activeCount();
                double failedBefore = failedPolls(exporter);

                scrapeUntilFailedPolls(exporter, failedBefore + SOAK_POLLS);
                emqx.requests().clear();
                long heapAfter = heapAfterGc();
                int threadsAfter = Thread.activeCount();
                double failed = failedPolls(exporter) - failedBefore;

                System.out.printf("soak: %.0f failed polls, heap after GC %d -> %d kB, threads %d -> %d%n",
                        failed, heapBefore >> 10, heapAfter >> 10, threadsBefore, threadsAfter);
                assertTrue(heapAfter - heapBefore < HEAP_GROWTH_BOUND,
                        "heap after GC grew from " + (heapBefore >> 10) + " kB to " + (heapAfter >> 10) + " kB");
                assertTrue(threadsAfter <= threadsBefore + 3, "threads grew from " + threadsBefore + " to " + threadsAfter);
                assertEquals(1, log.lines(l -> l.contains("poll failed")).size(), "one line for the whole outage");
                Exposition metrics = new Exposition(exporter.scrape());
                assertEquals(MONITORED, metrics.samples("emqx_client_monitor_connected").stream()
                        .filter(s -> s.endsWith(" 1.0")).count(), "last-known values kept");
            }
        }
    }

    /** Scrapes every 200 ms until the timer has failed that many polls in all (it must keep polling). */
    private static void scrapeUntilFailedPolls(RunningExporter exporter, double failedPolls) throws InterruptedException {
        long giveUp = System.nanoTime() + GIVE_UP.toNanos();
        while (failedPolls(exporter) < failedPolls) {
            assertTrue(System.nanoTime() < giveUp, "the timer stopped polling: " + failedPolls(exporter) + " failed polls");
            assertEquals(200, exporter.get("/metrics", null).statusCode());
            Thread.sleep(200);
        }
    }

    private static double failedPolls(RunningExporter exporter) {
        return new Exposition(exporter.scrape())
                .valueOf("emqx_client_monitor_poll_errors_total", "broker=\"emqx\",reason=\"http_5xx\"");
    }

    private static void awaitUp(RunningExporter exporter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!exporter.tracker().broker("emqx").health().up()) {
            assertTrue(System.nanoTime() < deadline, "no successful first poll");
            Thread.sleep(20);
        }
    }

    static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
