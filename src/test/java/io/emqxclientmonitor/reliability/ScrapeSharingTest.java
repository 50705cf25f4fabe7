package io.emqxclientmonitor.reliability;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scrapes share renderings: concurrent scrapers get the same bytes, a scraper that accepts gzip (as Prometheus
 * does) gets them compressed, and anything that changes the state (a poll, a failed poll, a configuration change)
 * is in the very next scrape.
 */
class ScrapeSharingTest {
    private static final String ROOM2 = "alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final HttpClient http = HttpClient.newHttpClient();
    private EmqxSimulator emqx;
    private RunningExporter exporter;

    @BeforeEach
    void start() {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleet(emqx, clock);
    }

    @AfterEach
    void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    void gzipIsServedToScrapersThatAcceptItAndHoldsTheSameExposition() throws Exception {
        HttpResponse<byte[]> plain = get(null);
        HttpResponse<byte[]> gzip = get("gzip, deflate");
        assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""));
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        assertEquals(new String(plain.body(), StandardCharsets.UTF_8), gunzip(gzip.body()));
        assertTrue(gzip.body().length < plain.body().length / 3, gzip.body().length + " of " + plain.body().length);
        assertFalse(get("gzip;q=0").headers().firstValue("Content-Encoding").isPresent(), "q=0 refuses gzip");
    }

    @Test
    void concurrentScrapersGetTheSameBodyAndChangesShowInTheNextScrape() throws Exception {
        ExecutorService scrapers = Executors.newFixedThreadPool(10);
        List<Future<String>> bodies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            boolean gzip = i % 2 == 0;
            bodies.add(scrapers.submit(() -> gzip ? gunzip(get("gzip").body()) : new String(get(null).body(), StandardCharsets.UTF_8)));
        }
        Set<String> distinct = new HashSet<>();
        for (Future<String> body : bodies) {
            distinct.add(body.get());
        }
        scrapers.shutdown();
        assertEquals(1, distinct.size(), "nothing changed, so every scrape saw the same exposition");

        emqx.fleet().client("qingping-DEADBEEF5678").publish(5, 0, 10);
        exporter.pollNow();
        assertEquals(45, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_messages_processed_total",
                ROOM2 + ",direction=\"rx\""), "a successful poll");

        emqx.faults().nodeDown(3);
        exporter.pollNow();
        assertEquals(0, new Exposition(exporter.scrape()).valueOf("emqx_client_monitor_up", "broker=\"emqx\""), "a failed poll");

        var broker = exporter.tracker().broker("emqx").config();
        exporter.tracker().reconfigureBroker(broker.withClients(broker.clients().stream()
                .filter(c -> !c.alias().equals("QingpingCO2_Room2")).toList()));
        assertTrue(new Exposition(exporter.scrape()).value("emqx_client_monitor_connected", ROOM2).isEmpty(),
                "a configuration change");
    }

    private HttpResponse<byte[]> get(String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] gzip) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
