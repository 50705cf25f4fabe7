package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.simulator.DemoDevice;
import io.emqxclientmonitor.simulator.DemoFleet;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the exporter against the built-in EMQX simulator with a small lively fleet",
                "(steady, flapping, sleeping, absent devices). Nothing else is needed."})
public final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    ServeCommand parent;

    @Option(names = "--emqx-version", defaultValue = "5.8", description = "simulated EMQX version: 5.8 or 5.4 (ignores the clientid filter)")
    String emqxVersion;

    @Option(names = "--poll-interval", defaultValue = "5", description = "seconds between polls (default ${DEFAULT-VALUE})")
    int pollInterval;

    @Override
    public Integer call() throws Exception {
        SimulatorOptions options = SimulatorOptions.defaults()
                .withVersion("5.4".equals(emqxVersion) ? EmqxVersion.V5_4 : EmqxVersion.V5_8);
        DemoFleet demo = new DemoFleet(Clock.systemUTC());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-fleet");
            t.setDaemon(true);
            return t;
        });
        try (EmqxSimulator simulator = new EmqxSimulator(demo.fleet(), options).start()) {
            ticker.scheduleAtFixedRate(demo::tick, 1, 1, TimeUnit.SECONDS);
            Path clients = writeClientsFile();
            Map<String, String> overrides = parent.overrides();
            overrides.put("emqx.url", simulator.apiUrl());
            overrides.put("emqx.api.key", options.apiKey());
            overrides.put("emqx.api.secret", options.apiSecret());
            overrides.put("emqx.alias", "demo");
            overrides.put("emqx.clients", "");
            overrides.put("emqx.clients-file", clients.toString());
            overrides.put("monitor.poll-interval-seconds", Integer.toString(pollInterval));
            overrides.put("monitor.state-file", "");
            printWhereToLook(simulator, options, overrides);
            return ServeCommand.runUntilStopped(overrides);
        } finally {
            ticker.shutdownNow();
        }
    }

    private static Path writeClientsFile() throws IOException {
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        for (DemoDevice device : DemoFleet.devices()) {
            yaml.append("  - alias: \"").append(device.alias()).append("\"\n")
                    .append("    client_id: \"").append(device.clientId().replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Path file = Files.createTempFile("emqx-client-monitor-demo-clients", ".yaml");
        file.toFile().deleteOnExit();
        return Files.writeString(file, yaml);
    }

    private static void printWhereToLook(EmqxSimulator simulator, SimulatorOptions options, Map<String, String> overrides) {
        String port = System.getProperty("camel.server.port", overrides.getOrDefault("camel.server.port", "9671"));
        System.out.println();
        System.out.println("emqx-client-monitor demo");
        System.out.println("  simulated EMQX " + options.version() + ": " + simulator.apiUrl()
                + "  (curl -u " + options.apiKey() + ":" + options.apiSecret() + " '" + simulator.apiUrl() + "/v5/clients')");
        System.out.println("  metrics:          http://localhost:" + port + "/metrics");
        System.out.println("  landing page:     http://localhost:" + port + "/");
        System.out.println("  watched devices:");
        for (DemoDevice device : DemoFleet.devices()) {
            System.out.printf("    %-11s %s%n", device.alias(), device.behaviour());
        }
        System.out.println("  Ctrl-C stops it.");
        System.out.println();
    }
}
