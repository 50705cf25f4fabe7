package io.emqxclientmonitor.security;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import io.emqxclientmonitor.web.BasicAuthUsers;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong passwords cost bcrypt work, but never the scrapes of those who know theirs: checks run on a small worker
 * pool of their own (bounded: past the bound an unknown credential is answered 503 at once), verified credentials
 * are remembered apart from wrong ones, and an unknown user costs the same bcrypt as a known one.
 */
class WrongPasswordsTest {
    private static final String PASSWORD = "scrape-me";
    private static final int ATTACKERS = 60;

    private final SteppedClock clock = new SteppedClock(Fleets.START);
    @AutoClose
    private EmqxSimulator emqx;
    @AutoClose
    private RunningExporter exporter;


    @Test
    @DisplayName("a remembered valid scrape is answered while wrong-password checks are still in progress")
    void validScrapesDoNotWaitForWrongPasswords() throws Exception {
        emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        properties.put("monitor.web.basic-auth.users", "prometheus:$2y$" + BCrypt.hashpw(PASSWORD, BCrypt.gensalt(10)).substring(4));
        exporter = RunningExporter.start(properties, clock);
        exporter.pollNow();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        assertEquals(200, send(http, url, PASSWORD).statusCode(), "the valid credential, checked once and remembered");

        AtomicInteger answered = new AtomicInteger();
        List<CompletableFuture<HttpResponse<String>>> attack = new ArrayList<>();
        for (int i = 0; i < ATTACKERS; i++) {
            attack.add(http.sendAsync(request(url, "wrong-" + i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> answered.incrementAndGet()));
        }
        Thread.sleep(300); // the attack's requests are in; bcrypt checks run
        HttpResponse<String> valid = send(http, url, PASSWORD);
        int answeredWhenValidWas = answered.get();
        assertEquals(200, valid.statusCode());
        assertTrue(valid.body().contains("emqx_client_monitor_up"));
        assertTrue(answeredWhenValidWas < ATTACKERS, "the valid scrape was answered only after all " + ATTACKERS
                + " wrong-password requests: it waited for their bcrypt checks");

        CompletableFuture.allOf(attack.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> wrong : attack) {
            int status = wrong.get().statusCode();
            assertTrue(status == 401 || status == 503, "a wrong password got " + status);
        }
        assertEquals(200, send(http, url, PASSWORD).statusCode(), "still remembered after the flood");
    }

    @Test
    @DisplayName("an unknown user costs as much bcrypt as a known user's wrong password (the answer time does not tell)")
    void unknownUsersTakeAsLongAsKnownOnes() {
        BasicAuthUsers users = BasicAuthUsers.parse("prometheus:" + BCrypt.hashpw(PASSWORD, BCrypt.gensalt(12)));
        users.check("prometheus", "warm-up");
        users.check("nobody", "warm-up");
        long[] known = new long[3];
        long[] unknown = new long[3];
        for (int i = 0; i < 3; i++) {
            known[i] = timed(() -> users.check("prometheus", "wrong"));
            unknown[i] = timed(() -> users.check("nobody", "wrong"));
        }
        double ratio = (double) median(unknown) / median(known);
        assertTrue(ratio > 0.5 && ratio < 2, "unknown user / known user check time = " + ratio);
    }

    private static long timed(Runnable check) {
        long start = System.nanoTime();
        check.run();
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static HttpRequest request(String url, String password) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Authorization", WebSecurityTest.basic("prometheus", password)).build();
    }

    private static HttpResponse<String> send(HttpClient http, String url, String password) throws Exception {
        return http.send(request(url, password), HttpResponse.BodyHandlers.ofString());
    }
}
