package io.emqxclientmonitor.reliability;

import com.sun.net.httpserver.HttpServer;
import io.emqxclientmonitor.support.Exposition;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One page of {@code /api/v5/clients}, served over real HTTP, where most rows are broken: not objects, no or
 * non-string clientid, wrong types, nulls, "infinity", negative and huge numbers, a stale takeover duplicate.
 * Through the real poll route the poll succeeds, the good client's values are exact, the broken monitored
 * client is exported with what could be read, and nothing is logged as an error.
 */
class BadRecordsOverHttpTest {
    private static final String PAGE = """
            {"data":[
              null, 42, "row", [], {},
              {"clientid": 17, "connected": true, "recv_msg": 5},
              {"clientid": null, "connected": true},
              {"clientid": "good", "connected": false, "connected_at": "2020-01-01T00:00:00Z", "recv_msg": 1},
              {"clientid": "good", "connected": true, "connected_at": "2026-01-01T08:00:00+08:00", "recv_msg": 40,
               "send_msg": 3, "recv_oct": 200, "send_oct": 10, "recv_pkt": 41, "send_pkt": 4, "subscriptions_cnt": 1,
               "inflight_cnt": 0, "keepalive": 60, "mqueue_max": "infinity", "new_field_from_emqx_7": {"x": [1, 2]}},
              {"clientid": "broken", "connected": "true", "connected_at": "not a time", "created_at": 1e400,
               "recv_msg": -5, "send_msg": "infinity", "recv_oct": 1e400, "send_oct": 123456789012345678901234567890,
               "recv_pkt": "7", "send_pkt": null, "subscriptions_cnt": [1], "inflight_cnt": {"n": 1}, "keepalive": true},
              {"clientid": "stranger", "connected": false, "recv_msg": "lots"}
            ],"meta":{"page":1,"limit":1000,"hasnext":false,"count":13}}
            """;
    private static final String GOOD = "alias=\"Good\",broker=\"emqx\",client_id=\"good\"";
    private static final String BROKEN = "alias=\"Broken\",broker=\"emqx\",client_id=\"broken\"";

    @Test
    void brokenRowsCostThemselvesOnly() throws Exception {
        HttpServer emqx = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        emqx.createContext("/api/v5/clients", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        emqx.start();
        Map<String, String> properties = new HashMap<>();
        properties.put("emqx.url", "http://127.0.0.1:" + emqx.getAddress().getPort() + "/api");
        properties.put("emqx.api.key", "k");
        properties.put("emqx.api.secret", "s");
        properties.put("emqx.clients", "Good=good,Broken=broken,Missing=missing");
        properties.put("camel.server.port", Integer.toString(RunningExporter.freePort()));
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("monitor.poll-interval-seconds", "3600");
        properties.put("monitor.first-poll-delay-ms", "3600000");
        properties.put("monitor.state-file", "");
        properties.put("camel.main.routes-reload-enabled", "false");
        try (RunningExporter exporter = RunningExporter.start(properties, null); LogCapture log = LogCapture.start()) {
            exporter.pollNow();
            exporter.pollNow();
            Exposition metrics = new Exposition(exporter.scrape());

            assertEquals(1, metrics.valueOf("emqx_client_monitor_up", "broker=\"emqx\""));
            assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", GOOD), "the connected row wins over the stale one");
            assertEquals(40, metrics.valueOf("emqx_client_monitor_messages_processed_total", GOOD + ",direction=\"rx\""));
            assertEquals(200, metrics.valueOf("emqx_client_monitor_bytes_total", GOOD + ",direction=\"rx\""));
            assertEquals(1, metrics.valueOf("emqx_client_monitor_subscriptions", GOOD));

            assertEquals(1, metrics.valueOf("emqx_client_monitor_connected", BROKEN), "\"true\" reads as connected");
            assertEquals(7, metrics.valueOf("emqx_client_monitor_packets_total", BROKEN + ",direction=\"rx\""), "\"7\" reads as 7");
            for (String sample : metrics.samples("emqx_client_monitor_messages_processed_total")) {
                double value = Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
                assertTrue(value >= 0 && value < 1e15, "a sane counter: " + sample);
            }
            assertEquals(0, metrics.valueOf("emqx_client_monitor_connected", "alias=\"Missing\",broker=\"emqx\",client_id=\"missing\""));
            assertEquals(0, log.warningsAndErrors().size(), "nothing to warn about: " + log.warningsAndErrors());
        } finally {
            emqx.stop(0);
        }
    }
}
