package io.emqxclientmonitor.config;

/**
 * A user's configuration mistake. The message is one line that names the setting and says how to fix it;
 * it is printed as it is, without a stack trace.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
