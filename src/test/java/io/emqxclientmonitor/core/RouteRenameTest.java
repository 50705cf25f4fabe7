package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.Route;
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
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edits that replace a file's routes with others under new ids, with live reload on: the old routes must not keep
 * running next to the new ones (double polling), and Kamelet routes of a reloaded route must not pile up.
 */
class RouteRenameTest {
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
    @DisplayName("renaming emqx-poll removes the old route (no double polling), WARNs with both ids, fails readiness; restoring the file undoes it")
    void aRenamedRouteReplacesTheOldOne() throws Exception {
        Path file = routes.resolve("emqx-poll.yaml");
        String good = Files.readString(file);
        assertTrue(good.contains("id: emqx-poll\n"), good);
        Files.writeString(file, good.replace("id: emqx-poll\n", "id: emqx-poll-v2\n"));
        await(() -> exporter.context().getRoute("emqx-poll-v2") != null && exporter.context().getRoute("emqx-poll") == null,
                "emqx-poll replaced by emqx-poll-v2");
        await(() -> !log.lines(l -> l.contains("[WARN]") && l.contains("emqx-poll-v2")).isEmpty(), "a WARN");
        String warning = log.lines(l -> l.contains("[WARN]") && l.contains("emqx-poll-v2")).get(0);
        assertTrue(warning.contains("emqx-poll.yaml") && warning.contains("[emqx-poll]"), warning);
        HttpResponse<String> ready = exporter.get("/-/ready", null);
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("emqx-poll"), ready.body());

        Files.writeString(file, good);
        await(() -> exporter.context().getRoute("emqx-poll") != null && exporter.context().getRoute("emqx-poll-v2") == null,
                "back to emqx-poll alone");
        assertEquals(200, exporter.get("/-/ready", null).statusCode());
        assertEquals(1, exporter.context().getRoutes().stream().filter(r -> r.getRouteId().startsWith("emqx-poll")
                && r.getEndpoint().getEndpointUri().startsWith("timer:")).count(), "one timer polls");
    }

    @Test
    @DisplayName("a route using the Kamelet, edited again and again, leaves one Kamelet route polling")
    void kameletRoutesDoNotPileUpOnReload() throws Exception {
        editKameletRouteFourTimes("kamelet:emqx-clients-source", "emqx-clients-source");
    }

    @Test
    @DisplayName("the same with a Kamelet route id of the user's own (kamelet:emqx-clients-source/plant-a)")
    void kameletRoutesWithTheirOwnIdDoNotPileUpOnReload() throws Exception {
        editKameletRouteFourTimes("kamelet:emqx-clients-source/plant-a", "plant-a");
    }

    @Test
    @DisplayName("a rejected edit of a route using the Kamelet leaves exactly one Kamelet route polling")
    void aRejectedEditKeepsOneKameletRoute() throws Exception {
        editKameletRouteFourTimes("kamelet:emqx-clients-source", "emqx-clients-source");
        Path file = routes.resolve("clients-to-log.yaml");
        String good = Files.readString(file);
        Files.writeString(file, good + "\n  - route: [unclosed\n");
        await(() -> !log.lines(l -> l.contains("[WARN]") && l.contains("clients-to-log.yaml: edit rejected")).isEmpty(), "rejected");
        await(() -> kameletRoutes("emqx-clients-source").size() == 1, "one Kamelet route again: " + kameletRoutes("emqx-clients-source"));
        Thread.sleep(500);
        assertEquals(1, kameletRoutes("emqx-clients-source").size(), kameletRoutes("emqx-clients-source").toString());
        assertEquals(org.apache.camel.ServiceStatus.Started,
                exporter.context().getRouteController().getRouteStatus(kameletRoutes("emqx-clients-source").get(0)));
    }

    private List<String> kameletRoutes(String prefix) {
        return exporter.context().getRoutes().stream().map(Route::getRouteId).filter(id -> id.startsWith(prefix)).toList();
    }

    private void editKameletRouteFourTimes(String uri, String kameletRouteIds) throws Exception {
        Path file = routes.resolve("clients-to-log.yaml");
        for (int edit = 1; edit <= 4; edit++) {
            int n = edit;
            Files.writeString(file, String.join("\n",
                    "- route:",
                    "    id: clients-to-log",
                    "    from:",
                    "      uri: " + uri,
                    "      parameters:",
                    "        apiUrl: \"" + emqx.apiUrl() + "\"",
                    "        apiKey: \"" + emqx.options().apiKey() + "\"",
                    "        secretKey: \"" + emqx.options().apiSecret() + "\"",
                    "        clientIds: qingping-DEADBEEF5678,edit-" + n,
                    "        period: 3600000",
                    "      steps:",
                    "        - log: \"edit " + n + ": ${header.EmqxClientId}\"",
                    ""));
            await(() -> String.valueOf(definition("clients-to-log")).contains("edit " + n), "edit " + n + " loaded");
            await(() -> emqx.requests().count() > 0 && emqx.requests().last().clientIdParams().contains("edit-" + n),
                    "edit " + n + "'s Kamelet route polls with its own parameters");
        }
        Thread.sleep(300);
        List<String> kameletRoutes = exporter.context().getRoutes().stream().map(Route::getRouteId)
                .filter(id -> id.startsWith(kameletRouteIds)).toList();
        assertEquals(1, kameletRoutes.size(), kameletRoutes + " " + exporter.context().getRoutes().stream()
                .map(r -> r.getRouteId() + r.getProperties()).toList());
        assertEquals(List.of(), log.lines(l -> l.contains("[ERROR]")), String.join("\n", log.lines(l -> !l.contains("\tat "))));
        assertEquals(List.of(), log.lines(l -> l.contains("[WARN]")));
    }

    @Test
    @DisplayName("a required route file deleted before the start: one WARN naming the route at start")
    void aMissingRequiredRouteIsNamedAtStart(@TempDir Path other) throws Exception {
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("metrics.yaml")) {
                    Files.copy(file, other.resolve(file.getFileName()));
                }
            }
        }
        try (LogCapture startLog = LogCapture.start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
            properties.put("camel.main.routes-include-pattern", "file:" + other + "/*.yaml");
            try (RunningExporter partial = RunningExporter.start(properties, clock)) {
                List<String> warnings = startLog.lines(l -> l.contains("[WARN]") && l.contains("route metrics is missing"));
                assertEquals(1, warnings.size(), startLog.text());
                assertEquals(503, partial.get("/-/ready", null).statusCode());
            }
        }
    }

    private Object definition(String routeId) {
        return exporter.context().getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class)
                .getRouteDefinition(routeId);
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
