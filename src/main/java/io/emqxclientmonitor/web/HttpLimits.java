package io.emqxclientmonitor.web;

import io.emqxclientmonitor.config.ConfigException;

import java.util.function.Function;

/**
 * Bounds on the exporter's HTTP connections, so that idle or slow clients cannot use up file descriptors or
 * memory and keep Prometheus out.
 *
 * @param idleTimeoutSeconds   a connection that sends and receives nothing for this long is closed; it is also
 *                             the longest a kept-alive connection may take to send its next request's headers
 * @param headerTimeoutSeconds a new connection must have sent its first request's headers within this time
 * @param maxConnections       connections beyond this many open ones are closed at once
 */
public record HttpLimits(int idleTimeoutSeconds, int headerTimeoutSeconds, int maxConnections) {
    public static final String IDLE_TIMEOUT = "monitor.web.idle-timeout-seconds";
    public static final String HEADER_TIMEOUT = "monitor.web.header-timeout-seconds";
    public static final String MAX_CONNECTIONS = "monitor.web.max-connections";
    public static final HttpLimits DEFAULTS = new HttpLimits(60, 10, 512);

    /** @param setting a property's value, or null when it is not set */
    public static HttpLimits read(Function<String, String> setting) {
        return new HttpLimits(
                positive(setting, IDLE_TIMEOUT, DEFAULTS.idleTimeoutSeconds, "seconds"),
                positive(setting, HEADER_TIMEOUT, DEFAULTS.headerTimeoutSeconds, "seconds"),
                positive(setting, MAX_CONNECTIONS, DEFAULTS.maxConnections, "connections"));
    }

    private static int positive(Function<String, String> setting, String key, int fallback, String unit) {
        String value = setting.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new ConfigException(key + " = '" + value.trim() + "' is not a whole number of " + unit + " above 0: give one,"
                + " e.g. " + key + " = " + fallback);
    }
}
