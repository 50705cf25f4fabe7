package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.config.ConfigException;
import org.apache.camel.PropertyBindingException;
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
        var routeFile = io.emqxclientmonitor.RouteFileError.describe(e);
        if (routeFile.isPresent()) {
            commandLine.getErr().println("emqx-client-monitor: configuration error: " + routeFile.get());
            return ERROR;
        }
        PropertyBindingException binding = cause(e, PropertyBindingException.class);
        if (binding != null) {
            // Camel's own message quotes the value, which may be a secret (camel.ssl.keystorePassword): name the key only
            String prefix = binding.getOptionPrefix();
            String key = prefix == null || binding.getOptionKey() == null ? binding.getPropertyName()
                    : (prefix.endsWith(".") ? prefix : prefix + ".") + binding.getOptionKey();
            commandLine.getErr().println("emqx-client-monitor: configuration error: " + key + " is not a Camel setting"
                    + " that takes this value: check its spelling and value (application.properties, -D or the environment)");
            return ERROR;
        }
        throw new IllegalStateException(e);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
        return cause(e, ConfigException.class);
    }
}
