package io.emqxclientmonitor.camel;

import io.emqxclientmonitor.CamelLauncher;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * application.properties is UTF-8 text (our copy, and a host's written by any editor); Camel reads properties files
 * as ISO-8859-1 unless told otherwise, which turns {@code ü} into {@code Ã¼} and a watched device into one that
 * EMQX never lists, silently shown down.
 */
class PropertiesEncodingTest {
    private static final String AWKWARD_SERIES =
            "emqx_client_monitor_connected{alias=\"Awkward\",broker=\"emqx\",client_id=\"plant/line 1+&#%-ü\"}";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
    private Main main;
    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (main != null) {
            main.stop();
        }
        emqx.close();
    }

    @Test
    @DisplayName("the exporter reads its application.properties as UTF-8: a client id with ü is watched as written")
    void standaloneReadsUtf8() throws Exception {
        Path file = propertiesFile();
        Map<String, String> properties = RunningExporter.defaults(emqx);
        main = CamelLauncher.create(properties);
        main.setDefaultPropertyPlaceholderLocation("file:" + file + ",file:application.properties");
        try (LogCapture log = LogCapture.start()) {
            main.start();
            poll();
            assertEquals(1, scrape(properties.get("camel.server.port")).valueOf(AWKWARD_SERIES, ""));
            assertEquals(List.of(), log.warningsAndErrors());
        }
    }

    @Test
    @DisplayName("in a host that left Camel's properties encoding at ISO-8859-1, a UTF-8 client id is still read as "
            + "written, with one WARN saying how to write it")
    void hostWithLatin1DefaultIsRepairedAndWarned() throws Exception {
        Path file = propertiesFile();
        int port = RunningExporter.freePort();
        main = new Main();
        main.setPropertyPlaceholderLocations("file:" + file + ",file:application.properties");
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("camel.server.port", Integer.toString(port));
        properties.put("camel.main.configuration-classes", "io.emqxclientmonitor.MonitorBeans");
        properties.put("camel.main.routes-include-pattern", "file:routes/*.yaml");
        properties.forEach(main::addOverrideProperty);
        try (LogCapture log = LogCapture.start()) {
            main.start();
            poll();
            assertEquals(1, scrape(Integer.toString(port)).valueOf(AWKWARD_SERIES, ""));
            List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("emqx.clients") && warnings.get(0).contains("\\u00fc"),
                    warnings.get(0));
        }
    }

    private Path propertiesFile() throws Exception {
        Path file = dir.resolve("host.properties");
        Files.writeString(file, "emqx.clients = Awkward=" + Fleets.AWKWARD_ID + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private void poll() {
        main.getCamelContext().createProducerTemplate().sendBody("direct:emqx-poll-broker", "emqx");
    }

    private static Exposition scrape(String port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Exposition(response.body());
    }
}
