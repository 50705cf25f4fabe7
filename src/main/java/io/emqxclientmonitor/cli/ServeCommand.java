package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.CamelLauncher;
import io.emqxclientmonitor.config.ReferenceConfigFile;
import org.apache.camel.main.Main;
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
                "Settings: application.properties in the working directory, env vars, -D system properties."},
        subcommands = {CheckCommand.class, DemoCommand.class})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--cfg", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "the reference (Python) exporter's config.yaml, read unchanged")
    Path referenceConfig;

    @Override
    public Integer call() throws Exception {
        return runUntilStopped(overrides());
    }

    Map<String, String> overrides() {
        return referenceConfig == null ? new HashMap<>() : new HashMap<>(ReferenceConfigFile.toProperties(referenceConfig));
    }

    /** Runs the exporter until SIGTERM/Ctrl-C; a configuration mistake ends it with exit code 2. */
    static int runUntilStopped(Map<String, String> overrides) throws Exception {
        Main main = CamelLauncher.create(overrides);
        main.run();
        return main.getExitCode();
    }
}
