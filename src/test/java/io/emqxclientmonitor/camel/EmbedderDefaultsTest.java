package io.emqxclientmonitor.camel;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.main.Main;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The defaults file docs/embedding.md tells hosts to add ({@code classpath:emqx-client-monitor/application.properties})
 * holds our settings only: it must not reconfigure the host's Camel (route reload, HTTP server, body limit, Kamelets).
 */
class EmbedderDefaultsTest {
    private final EmqxSimulator emqx = Fleets.smallFleet(new SteppedClock(Fleets.START), SimulatorOptions.defaults());
    private Main host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
        emqx.close();
    }

    @Test
    void thePackedDefaultsHoldOnlyOurSettings() throws Exception {
        Properties packed = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/emqx-client-monitor/application.properties")) {
            assertNotNull(in, "packed for embedders");
            packed.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        List<String> foreign = packed.stringPropertyNames().stream()
                .filter(key -> !(key.startsWith("emqx.") || key.startsWith("monitor.") || key.startsWith("metrics.")))
                .sorted().toList();
        assertEquals(List.of(), foreign, "keys that would change the host's Camel");
        assertEquals("15", packed.getProperty("monitor.poll-interval-seconds"), "the defaults our routes read are there");
    }

    @Test
    void aHostWithOurDefaultsKeepsItsOwnCamelSettings() throws Exception {
        int port = RunningExporter.freePort();
        host = new Main();
        host.setPropertyPlaceholderLocations("classpath:emqx-client-monitor/application.properties");
        host.addOverrideProperty("camel.main.name", "host-app");
        host.addOverrideProperty("camel.main.configuration-classes", "io.emqxclientmonitor.MonitorBeans");
        host.addOverrideProperty("camel.main.routes-include-pattern",
                "classpath:host/hello-route.yaml,classpath:emqx-client-monitor/routes/*.yaml");
        host.addOverrideProperty("camel.server.enabled", "true");
        host.addOverrideProperty("camel.server.host", "127.0.0.1");
        host.addOverrideProperty("camel.server.port", Integer.toString(port));
        host.addOverrideProperty("emqx.url", emqx.apiUrl());
        host.addOverrideProperty("emqx.api.key", emqx.options().apiKey());
        host.addOverrideProperty("emqx.api.secret", emqx.options().apiSecret());
        host.addOverrideProperty("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        host.addOverrideProperty("monitor.state-file", "");
        host.start();

        assertNull(host.getCamelContext().hasService(RouteWatcherReloadStrategy.class),
                "no route reload of the host's working directory unless the host asks");
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(200_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode(), "the host's own body limit (none), not our 64 KiB");
        assertEquals("classpath:kamelets", host.getCamelContext().getComponent("kamelet",
                org.apache.camel.component.kamelet.KameletComponent.class).getLocation(), "Camel's default Kamelet location");
    }
}
