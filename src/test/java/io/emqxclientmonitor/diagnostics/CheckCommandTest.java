package io.emqxclientmonitor.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.cli.CheckCommand;
import io.emqxclientmonitor.cli.ExitCodes;
import io.emqxclientmonitor.cli.ServeCommand;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Golden;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check}: one poll of every broker through the real routes, then the reference's table (plus State, Drops,
 * Last seen, Offline for) on stdout and an exit code; configured exactly like {@code serve}, here with the
 * reference exporter's own config.yaml ({@code --cfg}). Times are relative to a stepped clock, so the table is
 * pinned by golden files.
 */
class CheckCommandTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final SteppedClock clock = new SteppedClock(NOW);
    private EmqxSimulator emqx;

    /** A fleet like the reference README's table, plus a sleeping device and one EMQX has never seen. */
    @BeforeEach
    void fleet() {
        Fleet fleet = new Fleet(clock);
        at(Duration.ofDays(30), () -> fleet.add("rtl433-1").persistentSession(true).keepalive(60));
        at(Duration.ofDays(13), () -> fleet.add("qingping-DEADBEEF0003").keepalive(120).subscriptions(1)
                .publish(38455, 0, 40).deliver(69, 1, 10).drop("queue_full", 2));
        at(Duration.ofHours(23), () -> fleet.client("rtl433-1").connect().publish(702456, 0, 30));
        at(Duration.ofHours(16), () -> fleet.add("humidifier-7").keepalive(10).subscriptions(4).inflight(1)
                .publish(24279, 1, 12).deliver(16, 1, 8));
        at(Duration.ofMinutes(50), () -> fleet.add("sleeper-1").persistentSession(true).keepalive(300).publish(3, 1, 20));
        at(Duration.ofMinutes(45), () -> fleet.client("sleeper-1").disconnect(true));
        at(Duration.ofMinutes(4), () -> fleet.add("plant/line 1+&#%-ü").keepalive(90).publish(2, 2, 10));
        at(Duration.ofMinutes(3), () -> fleet.add("someone-else").keepalive(30));
        at(Duration.ofSeconds(1), () -> fleet.add("qingping-DEADBEEF0001").keepalive(120));
        clock.set(NOW);
        emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start();
    }

    @AfterEach
    void stop() {
        emqx.close();
    }

    @Test
    void theTableOfTheMonitoredClientsIsPinnedAndSomeNotConnectedExitsWith1() throws Exception {
        Result result = check("--cfg", referenceConfig(ALL_MONITORED).toString());

        Golden.assertMatches("check-plain.txt", result.out);
        assertEquals("", result.err);
        assertEquals(ExitCodes.NOT_ALL_CONNECTED, result.exitCode);
    }

    @Test
    void withAllEveryClientOnTheBrokerIsListedByClientIdAndAbsentMonitoredOnesStay() throws Exception {
        Result result = check("--cfg", referenceConfig(ALL_MONITORED).toString(), "--all");

        Golden.assertMatches("check-all-plain.txt", result.out);
        assertTrue(result.out.contains("someone-else"), "an unmonitored client");
        assertTrue(result.out.contains("ghost-1"), "a monitored client EMQX does not list");
    }

    @Test
    void withAllTheJsonSaysWhichClientsNobodyWatchesHere() throws Exception {
        Result result = check("--cfg", referenceConfig(ALL_MONITORED).toString(), "--all", "--json");
        com.fasterxml.jackson.databind.JsonNode clients = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(result.out).get("clients");
        for (com.fasterxml.jackson.databind.JsonNode client : clients) {
            String expected = client.get("alias").isNull() ? "none" : "config";
            assertEquals(expected, client.get("source").asText(), client.toString());
        }
        assertTrue(clients.findValuesAsText("source").contains("none"), result.out);
    }

    @Test
    void whenEveryMonitoredClientIsConnectedItExitsWith0() throws Exception {
        Result result = check("--cfg", referenceConfig("""
                  - alias: Room1
                    client_id: qingping-DEADBEEF0001
                """).toString());
        assertEquals(ExitCodes.OK, result.exitCode);
    }

    @Test
    void whenEmqxCannotBeReachedItSaysWhyInOneLineAndExitsWith2() throws Exception {
        Path config = referenceConfig(ALL_MONITORED);
        emqx.close();
        Result result = check("--cfg", config.toString());

        assertEquals(ExitCodes.ERROR, result.exitCode);
        assertEquals("", result.out);
        assertEquals(1, result.err.lines().count(), result.err);
        assertTrue(result.err.startsWith("emqx-client-monitor: broker Sim: poll failed (connect): cannot connect to "), result.err);
    }

    @Test
    void aConfigurationMistakeIsOneLineAndExitCode2() {
        Result result = check("--cfg", dir.resolve("missing.yaml").toString());
        assertEquals(ExitCodes.ERROR, result.exitCode);
        assertTrue(result.err.startsWith("emqx-client-monitor: configuration error: --cfg "), result.err);
        assertEquals(1, result.err.lines().count(), result.err);
    }

    @Test
    void jsonPrintsTheSameDocumentAsTheJsonApi() throws Exception {
        Path config = referenceConfig(ALL_MONITORED);
        JsonNode fromCheck = new ObjectMapper().readTree(check("--cfg", config.toString(), "--json").out);

        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.put("emqx.alias", "Sim");
        properties.put("emqx.clients-file", config.toString());
        try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
            exporter.pollNow("Sim");
            JsonNode fromApi = new ObjectMapper().readTree(exporter.get("/api/v1/clients", null).body());
            assertEquals(fromApi, fromCheck);
        }
        assertEquals(7, fromCheck.path("clients").size());
    }

    private static final String ALL_MONITORED = """
              - alias: HumidifierWaterRefTerm
                client_id: humidifier-7
              - alias: QingpingCO2_Room1
                client_id: qingping-DEADBEEF0001
              - alias: QingpingCO2_Room3
                client_id: qingping-DEADBEEF0003
              - alias: RTL433_Room1
                client_id: rtl433-1
              - alias: Sleeper
                client_id: sleeper-1
              - alias: Ghost
                client_id: ghost-1
              - alias: "Plant/line 1+&#%-ü"
                client_id: "plant/line 1+&#%-ü"
            """;

    /** The reference exporter's config.yaml, unchanged format. */
    private Path referenceConfig(String monitoredClients) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), """
                emqx:
                  api_key: "%s"
                  api_secret: "%s"
                  api_url: "%s/"
                  alias: Sim
                monitored_clients:
                %s
                prometheus:
                  ttl_seconds: 15
                """.formatted(emqx.options().apiKey(), emqx.options().apiSecret(), emqx.apiUrl(), monitoredClients));
    }

    private record Result(int exitCode, String out, String err) {
    }

    @Test
    void clientsMatchedByAPatternShowTheirSourceInTheTableAndTheJson() throws Exception {
        Path config = referenceConfig("""
                  - alias: HumidifierWaterRefTerm
                    client_id: humidifier-7
                """);
        Map<String, String> pattern = Map.of("monitor.state-file", "", "emqx.clients.like", "qingping-");

        Result table = check(pattern, "--cfg", config.toString());
        List<String> rows = table.out.lines().filter(l -> l.contains("humidifier") || l.contains("Humidifier")
                || l.contains("qingping-")).toList();
        assertTrue(table.out.contains("Source"), table.out);
        assertEquals(3, rows.size(), table.out);
        assertEquals(2, rows.stream().filter(l -> l.contains("qingping-DEADBEEF000") && l.contains("pattern")).count(), table.out);
        assertEquals(1, rows.stream().filter(l -> l.contains("HumidifierWaterRefTerm") && l.contains("config")).count(), table.out);

        JsonNode json = new ObjectMapper().readTree(check(pattern, "--cfg", config.toString(), "--json").out);
        for (JsonNode client : json.path("clients")) {
            assertEquals(client.path("client_id").asText().startsWith("qingping-") ? "pattern" : "config",
                    client.path("source").asText(), client.toString());
        }
    }

    /** Runs the command line as {@code java -jar … ARGS} would, with the stepped clock and no state file. */
    private Result check(String... args) {
        return check(Map.of("monitor.state-file", ""), args);
    }

    private Result check(Map<String, String> properties, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == CheckCommand.class) {
                    return type.cast(new CheckCommand(clock, properties));
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(ExitCodes::handle);
        String[] withCheck = new String[args.length + 1];
        withCheck[0] = "check";
        System.arraycopy(args, 0, withCheck, 1, args.length);
        int exitCode = cli.execute(withCheck);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void checkStartsOnlyWhatOnePollNeedsNoClientsFileWatcher() throws Exception {
        Path config = referenceConfig(ALL_MONITORED); // its monitored_clients are a watched clients file when serving
        emqx.faults().delay(Duration.ofMillis(1500), 1); // holds the poll while the threads are looked at
        java.util.concurrent.CompletableFuture<Result> running = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> check("--cfg", config.toString()));
        java.util.Set<String> threads = new java.util.TreeSet<>();
        while (!running.isDone()) {
            Thread.getAllStackTraces().keySet().forEach(t -> threads.add(t.getName()));
            Thread.sleep(20);
        }
        assertTrue(threads.stream().anyMatch(name -> name.contains("Camel")), "the check ran: " + threads);
        assertTrue(threads.stream().noneMatch(name -> name.contains("clients-file-watcher")), threads.toString());
        assertEquals(ExitCodes.NOT_ALL_CONNECTED, running.get().exitCode, running.get().err);
    }

    private void at(Duration ago, Runnable action) {
        clock.set(NOW.minus(ago));
        action.run();
    }
}
