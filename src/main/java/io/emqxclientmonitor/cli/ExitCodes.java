package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.config.ConfigException;
import picocli.CommandLine;

/** 0: fine, 1: some monitored client not connected ({@code check}), 2: configuration or EMQX error. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int NOT_ALL_CONNECTED = 1;
    public static final int ERROR = 2;

    private ExitCodes() {
    }

    /** A user's mistake is one line on stderr, never a stack trace. */
    public static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        ConfigException config = configCause(e);
        if (config != null) {
            commandLine.getErr().println("emqx-client-monitor: configuration error: " + config.getMessage());
            return ERROR;
        }
        throw new IllegalStateException(e);
    }

    /** A mistake on the command line (unknown option, bad value): one line, exit code 2, no usage dump. */
    public static int handleParameterMistake(CommandLine.ParameterException e, String[] args) {
        StringBuilder line = new StringBuilder("emqx-client-monitor: ").append(e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
        }
        line.append("; see --help");
        e.getCommandLine().getErr().println(line);
        return ERROR;
    }

    public static ConfigException configCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException config) {
                return config;
            }
        }
        return null;
    }
}
