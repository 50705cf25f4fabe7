package io.emqxclientmonitor.camel;

import io.emqxclientmonitor.cli.ExitCodes;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code camel run routes/*.yaml kamelets/*.kamelet.yaml application.properties --dep=…} and {@code camel export}
 * on the project's own files, loaded as Camel JBang loads them ({@link CamelRun}): camel-main finds our beans from
 * application.properties, with no help from our launcher.
 */
class CamelRunTest {
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
    private Main main;

    @AfterEach
    void stop() throws Exception {
        if (main != null) {
            main.stop();
        }
        emqx.close();
    }

    private static List<String> projectFiles() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            routes.map(Path::toString).filter(f -> f.endsWith(".yaml")).sorted().forEach(files::add);
        }
        files.add("kamelets/emqx-clients-source.kamelet.yaml");
        files.add("application.properties");
        return files;
    }

    private Map<String, String> props(int port) {
        Map<String, String> props = new HashMap<>();
        props.put("emqx.url", emqx.apiUrl());
        props.put("emqx.api.key", emqx.options().apiKey());
        props.put("emqx.api.secret", emqx.options().apiSecret());
        props.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        props.put("monitor.state-file", "");
        props.put("camel.server.host", "127.0.0.1");
        props.put("camel.server.port", Integer.toString(port));
        // not camel run's behaviour (it keeps application.properties' reload on): a test must not watch routes/
        props.put("camel.main.routes-reload-enabled", "false");
        return props;
    }

    @Test
    @DisplayName("camel run on our routes, the Kamelet and application.properties serves the per-client metrics")
    void camelRunServesTheExporter() throws Exception {
        int port = RunningExporter.freePort();
        main = CamelRun.run(projectFiles(), props(port));
        main.start();
        main.getCamelContext().createProducerTemplate().sendBody("direct:emqx-poll-broker", "emqx");

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("emqx_client_monitor_connected{alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"} 1.0"),
                metrics.body());
        assertNotNull(main.getCamelContext().getRegistry().lookupByName("clientsApi"), "our beans, bound by camel-main");
    }

    @Test
    @DisplayName("camel export's silent run accepts its @@CamelMagicValue@@ stubs for unset settings")
    void camelExportAcceptsPlaceholderStubs() throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("camel.main.routes-reload-enabled", "false");
        main = CamelRun.export(projectFiles(), props);
        main.start();
        assertNotNull(main.getCamelContext().getRoute("emqx-poll-broker"), "the routes loaded");
        assertFalse(Files.exists(Path.of("data/state.json")) && Files.getLastModifiedTime(Path.of("data/state.json"))
                .toMillis() > System.currentTimeMillis() - 60_000, "export writes no state file");
    }

    @Test
    @DisplayName("a real camel run still rejects a URL that is not http(s), the stub included, as a config error (exit 2)")
    void camelRunStillRejectsBadUrls() throws Exception {
        for (String url : List.of("ftp://emqx/api", "@@CamelMagicValue@@")) {
            Map<String, String> props = props(RunningExporter.freePort());
            props.put("emqx.url", url);
            Main run = CamelRun.run(projectFiles(), props);
            Exception failed = assertThrows(Exception.class, run::start);
            run.stop();
            ConfigException config = ExitCodes.configCause(failed);
            assertNotNull(config, "a ConfigException, which the CLI maps to exit 2: " + failed);
            assertTrue(config.getMessage().contains("emqx.url"), config.getMessage());
        }
    }
}
