package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.CamelLauncher;
import io.emqxclientmonitor.config.ReferenceConfigFile;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "emqx-client-monitor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Prometheus exporter for individual MQTT clients of EMQX v5.",
                "Without a subcommand it polls EMQX and serves /metrics (port 9671 by default).",
                "Settings, first wins: --listen, --cfg FILE, -D system properties, environment variables,",
                "application.properties in the working directory."},
        subcommands = {CheckCommand.class, DemoCommand.class})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--cfg", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "the reference (Python) exporter's config.yaml, read unchanged; its settings win over -D, env and application.properties")
    Path referenceConfig;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT", converter = ListenAddress.Converter.class,
            description = "where /metrics is served, e.g. 9672 or 127.0.0.1:9672 (beats camel.server.host/port and --cfg's prometheus.port/address)")
    ListenAddress listen;

    private ReferenceConfigFile.Settings reference;

    @Override
    public Integer call() throws Exception {
        return runUntilStopped(overrides(), writtenAs(), null);
    }

    /** --cfg's settings, then --listen's. */
    Map<String, String> overrides() {
        Map<String, String> overrides = new HashMap<>(reference().properties());
        if (listen != null) {
            overrides.putAll(listen.properties());
        }
        return overrides;
    }

    /** For messages: the config.yaml key each --cfg setting came from. */
    Map<String, String> writtenAs() {
        Map<String, String> writtenAs = new HashMap<>(reference().writtenAs());
        if (listen != null) {
            listen.properties().keySet().forEach(key -> writtenAs.put(key, "--listen"));
        }
        return writtenAs;
    }

    private ReferenceConfigFile.Settings reference() {
        if (reference == null) {
            reference = referenceConfig == null ? new ReferenceConfigFile.Settings(Map.of(), Map.of())
                    : ReferenceConfigFile.read(referenceConfig);
        }
        return reference;
    }

    /**
     * Runs the exporter until SIGTERM/Ctrl-C; a configuration mistake (a busy port too) ends it with exit code 2.
     *
     * @param started run once everything is up (e.g. to print where to look), or null
     */
    static int runUntilStopped(Map<String, String> overrides, Map<String, String> writtenAs, Runnable started) throws Exception {
        Main main = CamelLauncher.create(overrides, writtenAs);
        if (started != null) {
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStart(BaseMainSupport running) {
                    started.run();
                }
            });
        }
        main.run();
        return main.getExitCode();
    }
}
