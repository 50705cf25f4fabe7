package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.simulator.DemoDevice;
import io.emqxclientmonitor.simulator.DemoFleet;
import io.emqxclientmonitor.simulator.SimulatedEvents;
import io.emqxclientmonitor.simulator.WebhookTransport;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the exporter against the built-in EMQX simulator with a small lively fleet.",
                "Steady, flapping, sleeping and absent devices; nothing else is needed. Keeps no state across restarts."})
public final class DemoCommand implements Callable<Integer> {

    /** The release lines the simulator imitates, as the user writes them. */
    enum SimulatedVersion {
        V5_4("5.4", EmqxVersion.V5_4), V5_8("5.8", EmqxVersion.V5_8);

        final String label;
        final EmqxVersion version;

        SimulatedVersion(String label, EmqxVersion version) {
            this.label = label;
            this.version = version;
        }

        static final class Converter implements CommandLine.ITypeConverter<SimulatedVersion> {
            @Override
            public SimulatedVersion convert(String value) {
                for (SimulatedVersion v : values()) {
                    if (v.label.equals(value.trim())) {
                        return v;
                    }
                }
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a simulated EMQX version: give 5.8 (5.6 and later) or 5.4 (5.0 to 5.4, no clientid filter)");
            }
        }
    }

    @ParentCommand
    ServeCommand parent;

    @Option(names = "--emqx-version", defaultValue = "5.8", converter = SimulatedVersion.Converter.class,
            description = "simulated EMQX version: 5.8 or 5.4 (ignores the clientid filter) (default ${DEFAULT-VALUE})")
    SimulatedVersion emqxVersion;

    @Option(names = "--poll-interval", defaultValue = "5", description = "seconds between polls (default ${DEFAULT-VALUE})")
    int pollInterval;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT", converter = ListenAddress.Converter.class,
            description = "where /metrics is served, e.g. 9672 or 127.0.0.1:9672 (default: as for serving)")
    ListenAddress listen;

    @Override
    public Integer call() throws Exception {
        if (pollInterval < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--poll-interval " + pollInterval + ": give a whole number of seconds, 1 or more");
        }
        quietCamel();
        SimulatorOptions options = SimulatorOptions.defaults().withVersion(emqxVersion.version);
        DemoFleet demo = new DemoFleet(Clock.systemUTC());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-fleet");
            t.setDaemon(true);
            return t;
        });
        // the simulator binds an ephemeral port on 127.0.0.1: it never collides with anything
        try (EmqxSimulator simulator = new EmqxSimulator(demo.fleet(), options).start()) {
            ticker.scheduleAtFixedRate(demo::tick, 1, 1, TimeUnit.SECONDS);
            Path clients = writeClientsFile();
            Map<String, String> overrides = parent.overrides();
            Map<String, String> writtenAs = parent.writtenAs();
            if (listen != null) {
                overrides.putAll(listen.properties());
                listen.properties().keySet().forEach(key -> writtenAs.put(key, "--listen"));
            }
            overrides.put("emqx.url", simulator.apiUrl());
            overrides.put("emqx.api.key", options.apiKey());
            overrides.put("emqx.api.secret", options.apiSecret());
            overrides.put("emqx.alias", "demo");
            overrides.put("emqx.clients", "");
            overrides.put("emqx.brokers", "");
            overrides.put("emqx.clients-file", clients.toString());
            overrides.put("monitor.poll-interval-seconds", Integer.toString(pollInterval));
            overrides.put("monitor.state-file", "");
            feedEventsToOwnWebhook(demo, overrides);
            return ServeCommand.runUntilStopped(overrides, writtenAs,
                    () -> printWhereToLook(simulator, options, clients, overrides));
        } finally {
            ticker.shutdownNow();
        }
    }

    /**
     * The event feed in webhook mode, no broker needed: the simulator posts EMQX's rule events for every connect and
     * disconnect of the fleet to this exporter's own webhook, so the flapper's every session is counted, with reasons.
     */
    private static void feedEventsToOwnWebhook(DemoFleet demo, Map<String, String> overrides) {
        overrides.put("emqx.events.webhook.enabled", "true");
        // a token only the simulator knows: the demo's webhook is not open to whoever reaches the port
        byte[] random = new byte[18];
        new java.security.SecureRandom().nextBytes(random);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        overrides.put("emqx.events.webhook.token", token);
        String host = overrides.getOrDefault("camel.server.host", "0.0.0.0");
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            host = "127.0.0.1";
        }
        String port = overrides.getOrDefault("camel.server.port", "9671");
        URI webhook = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/api/v1/emqx/events");
        demo.fleet().onEvents(SimulatedEvents.faithful(SimulatedEvents.Shape.RULE).to(new WebhookTransport(webhook, token)));
    }

    /** Camel's start-up INFO lines would push the banner off screen; warnings and errors still show. */
    private static void quietCamel() {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.camel", "warn");
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

    private void printWhereToLook(EmqxSimulator simulator, SimulatorOptions options, Path clients, Map<String, String> overrides) {
        String port = overrides.getOrDefault("camel.server.port", "9671");
        String host = overrides.getOrDefault("camel.server.host", "localhost");
        String base = "http://" + (host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host) + ":" + port;
        System.out.println();
        System.out.println("emqx-client-monitor demo");
        System.out.println("  simulated EMQX " + emqxVersion.label + ": " + simulator.apiUrl()
                + "  (curl -u " + options.apiKey() + ":" + options.apiSecret() + " '" + simulator.apiUrl() + "/v5/clients')");
        System.out.println("  metrics:          " + base + "/metrics");
        System.out.println("  JSON API:         " + base + "/api/v1/clients");
        System.out.println("  landing page:     " + base + "/");
        System.out.println("  watched devices:");
        for (DemoDevice device : DemoFleet.devices()) {
            System.out.printf("    %-11s %s%n", device.alias(), device.behaviour());
        }
        System.out.println("  check against this simulator (another terminal, while the demo runs):");
        System.out.println("    java -Demqx.url=" + simulator.apiUrl() + " -Demqx.api.key=" + options.apiKey()
                + " -Demqx.api.secret=" + options.apiSecret() + " -Demqx.alias=demo -Demqx.clients= -Demqx.clients-file="
                + clients + " -Dmonitor.state-file= -jar " + jarName() + " check");
        System.out.println("  the demo keeps no state: counters start again at every start. Ctrl-C stops it.");
        System.out.println();
    }

    private static String jarName() {
        try {
            Path location = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (location.toString().endsWith(".jar")) {
                return location.toString();
            }
        } catch (Exception ignored) {
            // fall through
        }
        return "emqx-client-monitor.jar";
    }
}
