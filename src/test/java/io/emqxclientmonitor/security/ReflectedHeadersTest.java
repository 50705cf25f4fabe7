package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile client puts response header names in the query and in request headers. No endpoint, ours or one a user
 * adds, copies anything of the request into the answer's headers; every answer says nosniff, and the dynamic ones
 * are never cached.
 */
class ReflectedHeadersTest {
    private static final List<String> ENDPOINTS = List.of("/metrics", "/", "/-/healthy", "/-/ready", "/api/v1/clients",
            "/api/v1/clients/Sleeper", "/api/v1/clients/NoSuchAlias", "/no/such/page");
    /** Query parameters named like response headers, values that would matter if echoed. */
    private static final String HOSTILE_QUERY = "?Set-Cookie=a%3D1&Content-Encoding=gzip&Content-Type=application%2Fx-evil"
            + "&Location=http%3A%2F%2Fevil.example&Cache-Control=public&Refresh=0&X-Reflected=q&Access-Control-Allow-Origin=*";
    private static final String[] HOSTILE_HEADERS = {"X-Forwarded-For: 203.0.113.66", "X-Reflected-Header: h",
            "Set-Cookie: b=2", "Forwarded: for=203.0.113.66", "Origin: http://evil.example", "Referer: http://evil.example/",
            "User-Agent: hostile/1.0", "Cookie: session=stolen"};
    /** Everything an answer may carry: what Vert.x adds, what our routes deliberately set, the security headers. */
    private static final Set<String> ALLOWED = Set.of("content-type", "content-length", "transfer-encoding", "connection",
            "x-content-type-options", "cache-control", "www-authenticate", "content-encoding", "vary");

    private static final SteppedClock CLOCK = new SteppedClock(Fleets.START);
    private static EmqxSimulator emqx;
    private static RunningExporter exporter;

    @BeforeAll
    static void start() throws Exception {
        emqx = Fleets.smallFleet(CLOCK, SimulatorOptions.defaults());
        exporter = RunningExporter.onSmallFleet(emqx, CLOCK);
    }

    @AfterAll
    static void stop() {
        exporter.close();
        emqx.close();
    }

    @Test
    @DisplayName("no endpoint copies a query parameter or a request header into its answer's headers")
    void noEndpointReflectsTheRequest() throws Exception {
        for (String path : ENDPOINTS) {
            RawHttp.Answer answer = RawHttp.get(exporter.port(), path + HOSTILE_QUERY, HOSTILE_HEADERS);
            assertNothingReflected(path, answer);
        }
    }

    @Test
    @DisplayName("?Content-Encoding=gzip does not claim a compression the body does not have")
    void aContentEncodingParameterDoesNotCorruptTheScrape() throws Exception {
        RawHttp.Answer answer = RawHttp.get(exporter.port(), "/metrics?Content-Encoding=gzip&Content-Type=application%2Fx-evil");
        assertEquals(200, answer.status());
        assertTrue(answer.header("Content-Encoding").isEmpty(), answer.headers().toString());
        assertTrue(answer.bodyText().contains("emqx_client_monitor_up{broker=\"emqx\"} 1.0"), "plain text exposition");
        assertEquals(List.of("text/plain; version=0.0.4; charset=utf-8"), answer.header("Content-Type"));
    }

    @Test
    @DisplayName("a scraper that asks for gzip still gets it (the route's own Content-Encoding goes out)")
    void theRoutesOwnContentEncodingStillGoesOut() throws Exception {
        RawHttp.Answer answer = RawHttp.get(exporter.port(), "/metrics", "Accept-Encoding: gzip");
        assertEquals(List.of("gzip"), answer.header("Content-Encoding"));
        String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(answer.body())).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("emqx_client_monitor_up"), "a real gzip body");
    }

    @Test
    @DisplayName("every answer says X-Content-Type-Options: nosniff; the JSON API, /metrics and the probes are never cached")
    void securityHeadersOnEveryAnswer() throws Exception {
        for (String path : ENDPOINTS) {
            RawHttp.Answer answer = RawHttp.get(exporter.port(), path);
            assertEquals(List.of("nosniff"), answer.header("X-Content-Type-Options"), path);
        }
        for (String path : List.of("/metrics", "/api/v1/clients", "/api/v1/clients/Sleeper", "/-/healthy", "/-/ready")) {
            assertEquals(List.of("no-store"), RawHttp.get(exporter.port(), path).header("Cache-Control"), path);
        }
    }

    @Test
    @DisplayName("a route a user adds on the same server is protected by the same mechanism")
    void aUserAddedRouteDoesNotReflectEither() throws Exception {
        exporter.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/user-added").routeId("user-added").setBody(constant("hello\n"));
            }
        });
        RawHttp.Answer answer = RawHttp.get(exporter.port(), "/user-added" + HOSTILE_QUERY, HOSTILE_HEADERS);
        assertEquals(200, answer.status());
        assertNothingReflected("/user-added", answer);
    }

    private static void assertNothingReflected(String path, RawHttp.Answer answer) {
        String all = String.join("\n", answer.headers());
        for (String name : answer.headerNames()) {
            assertTrue(ALLOWED.contains(name), path + ": unexpected response header " + name + " in\n" + all);
        }
        for (String echoed : List.of("a=1", "b=2", "evil.example", "203.0.113.66", "hostile/1.0", "stolen", "public", "x-evil")) {
            assertFalse(all.contains(echoed), path + ": echoes '" + echoed + "':\n" + all);
        }
        assertTrue(answer.header("Content-Encoding").isEmpty(), path + ": " + all);
    }
}
