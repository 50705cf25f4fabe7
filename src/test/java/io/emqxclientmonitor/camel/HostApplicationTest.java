package io.emqxclientmonitor.camel;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host Camel application (its own camel-main, its own route on /hello, camel-micrometer-prometheus serving its
 * own /observe/metrics on a management port) that embeds the exporter: our families show up on the host's
 * endpoint, and our basic auth guards our paths only.
 */
class HostApplicationTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
    private Main host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
        emqx.close();
    }

    @Test
    @DisplayName("embedded, our per-client series are on the host's /observe/metrics and the host's /hello is not behind our basic auth")
    void hostServesOurFamiliesAndKeepsItsRoutesUnguarded() throws Exception {
        int port = RunningExporter.freePort();
        int management = RunningExporter.freePort();
        host = new Main();
        host.setPropertyPlaceholderLocations("file:application.properties");
        host.addOverrideProperty("camel.main.name", "host-app");
        host.addOverrideProperty("camel.main.configuration-classes", "io.emqxclientmonitor.MonitorBeans");
        host.addOverrideProperty("camel.main.routes-include-pattern", "classpath:host/hello-route.yaml,file:routes/*.yaml");
        host.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        host.addOverrideProperty("camel.server.host", "127.0.0.1");
        host.addOverrideProperty("camel.server.port", Integer.toString(port));
        host.addOverrideProperty("camel.metrics.enabled", "true");
        host.addOverrideProperty("camel.management.enabled", "true");
        host.addOverrideProperty("camel.management.host", "127.0.0.1");
        host.addOverrideProperty("camel.management.port", Integer.toString(management));
        host.addOverrideProperty("camel.management.metricsEnabled", "true");
        host.addOverrideProperty("emqx.url", emqx.apiUrl());
        host.addOverrideProperty("emqx.api.key", emqx.options().apiKey());
        host.addOverrideProperty("emqx.api.secret", emqx.options().apiSecret());
        host.addOverrideProperty("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        host.addOverrideProperty("monitor.state-file", "");
        host.addOverrideProperty("monitor.web.basic-auth.users", "prometheus:sha256:" + sha256("s3cret"));
        host.start();
        host.getCamelContext().createProducerTemplate().sendBody("direct:emqx-poll-broker", "emqx");

        HttpResponse<String> observed = get("http://127.0.0.1:" + management + "/observe/metrics", null);
        assertEquals(200, observed.statusCode());
        assertTrue(observed.body().contains(
                "emqx_client_monitor_connected{alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"} 1"),
                observed.body());
        assertTrue(observed.body().contains("camel_exchanges_total"), "the host's own Camel meters are there too");
        // the request counter has the labels of the metric contract on a host's registry too, and counts
        assertTrue(new io.emqxclientmonitor.support.Exposition(observed.body())
                        .valueOf("emqx_client_monitor_api_requests_total", "broker=\"emqx\"") >= 1, observed.body());

        assertEquals(200, get("http://127.0.0.1:" + port + "/hello", null).statusCode(), "the host's route is not ours to guard");
        assertEquals(401, get("http://127.0.0.1:" + port + "/metrics", null).statusCode(), "ours is guarded");
        HttpResponse<String> ours = get("http://127.0.0.1:" + port + "/metrics", "prometheus:s3cret");
        assertEquals(200, ours.statusCode());
        // the host's camel_* families are the host's to serve (and some fail promtool's lint): our endpoint has ours only
        assertTrue(ours.body().lines().filter(l -> l.startsWith("# TYPE "))
                .allMatch(l -> l.startsWith("# TYPE emqx_client_monitor_")), ours.body());
        io.emqxclientmonitor.support.Promtool.assertClean(ours.body());
        // Vert.x serves /metrics for /metrics/ too: the guard must not tell them apart
        for (String variant : new String[]{"/metrics/", "//metrics", "/api/v1/clients/", "/api/v1/clients//", "/./metrics"}) {
            assertEquals(401, get("http://127.0.0.1:" + port + variant, null).statusCode(), variant + " is ours too");
        }
    }

    private static HttpResponse<String> get(String url, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String password) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
    }
}
