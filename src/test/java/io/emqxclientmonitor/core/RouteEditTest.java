package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clumsy operator edits routes/ while the exporter runs with live reload on: a YAML syntax error, a bean method
 * that does not exist, then the file restored. Each bad edit is rejected with one WARN naming file, line and
 * column, polling and /metrics keep working throughout, and restoring the file works. Readiness fails, naming
 * the route, when a route the exporter needs is stopped or missing.
 */
class RouteEditTest {
    @TempDir
    Path routes;
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private EmqxSimulator emqx;
    private RunningExporter exporter;
    private LogCapture log;

    @BeforeEach
    void start() throws IOException {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleetReloadingRoutesIn(routes, emqx, clock);
        log = LogCapture.start();
    }

    @AfterEach
    void stop() {
        log.close();
        exporter.close();
        emqx.close();
    }

    @Test
    @DisplayName("a YAML syntax error is rejected with file, line and column; polling and /metrics keep working; restoring works")
    void syntaxErrorIsRejected() throws Exception {
        assertWorking();
        String good = Files.readString(routes.resolve("emqx-poll-broker.yaml"));
        Files.writeString(routes.resolve("emqx-poll-broker.yaml"), good + "\n  - route: [unclosed\n   id: {\n");
        List<String> warning = awaitWarning("emqx-poll-broker.yaml");
        assertEquals(1, warning.size(), warning.toString());
        int badLine = (int) good.lines().count() + 2;
        assertTrue(warning.get(0).contains("line " + badLine + ", column "), badLine + ": " + warning.get(0));
        assertWorking();

        log.reset();
        Files.writeString(routes.resolve("emqx-poll-broker.yaml"), good);
        await(() -> log.text().contains("Routes reloaded"), "the restored file is loaded");
        assertWorking();
        assertEquals(List.of(), log.warningsAndErrors());
    }

    @Test
    @DisplayName("an unknown bean or bean method is rejected with file, line and column; polling and /metrics keep working; restoring works")
    void unknownBeanOrMethodIsRejected() throws Exception {
        assertWorking();
        for (String file : List.of("emqx-poll-broker.yaml", "metrics.yaml")) {
            log.reset();
            String good = Files.readString(routes.resolve(file));
            String bad = file.equals("metrics.yaml") ? good.replace("ref: metricsEndpoint", "ref: metricsEndpointTypo")
                    : good.replace("method: observe", "method: observeTypo");
            Files.writeString(routes.resolve(file), bad);
            List<String> warning = awaitWarning(file);
            assertTrue(warning.get(0).contains("line ") && warning.get(0).contains("column "), warning.get(0));
            assertWorking();

            log.reset();
            Files.writeString(routes.resolve(file), good);
            await(() -> log.text().contains("Routes reloaded"), "the restored file is loaded");
            assertWorking();
            assertEquals(List.of(), log.warningsAndErrors(), "no 'duplicate route id' after the restore");
        }
    }

    @Test
    @DisplayName("an edit that renames a route id and cannot start is rejected, and leaves no stopped route behind")
    void aRenamedRouteThatCannotStartLeavesNothingBehind() throws Exception {
        String file = "emqx-poll-broker.yaml";
        String good = Files.readString(routes.resolve(file));
        Files.writeString(routes.resolve(file), good.replace("id: emqx-poll-broker", "id: emqx-poll-broker2"));
        awaitWarning(file);
        assertWorking();

        log.reset();
        Files.writeString(routes.resolve(file), good);
        await(() -> log.text().contains("Routes reloaded"), "the restored file is loaded");
        assertWorking();
    }

    @Test
    @DisplayName("readiness fails with 503, naming the route, when a needed route is stopped or missing")
    void readinessNamesAStoppedOrMissingRoute() throws Exception {
        assertEquals(200, exporter.get("/-/ready", null).statusCode());
        exporter.context().getRouteController().stopRoute("emqx-poll");
        HttpResponse<String> stopped = exporter.get("/-/ready", null);
        assertEquals(503, stopped.statusCode());
        assertTrue(stopped.body().contains("emqx-poll"), stopped.body());

        exporter.context().removeRoute("emqx-poll");
        HttpResponse<String> missing = exporter.get("/-/ready", null);
        assertEquals(503, missing.statusCode());
        assertTrue(missing.body().contains("route emqx-poll is missing"), missing.body());
    }

    private void assertWorking() {
        int before = emqx.requests().count();
        exporter.pollNow();
        assertTrue(emqx.requests().count() > before, "the poll asked EMQX");
        assertEquals(1, exporter.tracker().broker("emqx").health().up() ? 1 : 0, "the poll succeeded");
        HttpResponse<String> metrics = exporter.get("/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("emqx_client_monitor_up"));
        HttpResponse<String> ready = exporter.get("/-/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private List<String> awaitWarning(String file) throws InterruptedException {
        await(() -> !log.lines(l -> l.contains("[WARN]") && l.contains(file)).isEmpty(), "a WARN about " + file);
        Thread.sleep(300); // anything else it logs comes with it
        return log.warningsAndErrors();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
