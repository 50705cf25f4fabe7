package io.emqxclientmonitor;

import io.emqxclientmonitor.cli.ExitCodes;
import io.emqxclientmonitor.cli.ServeCommand;
import picocli.CommandLine;

/** {@code java -jar emqx-client-monitor.jar [--cfg FILE] [check|demo]}; without a subcommand it serves /metrics. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return new CommandLine(new ServeCommand())
                .setExecutionExceptionHandler(ExitCodes::handle)
                .setParameterExceptionHandler(ExitCodes::handleParameterMistake)
                .execute(args);
    }
}
