package io.emqxclientmonitor.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.Function;

/**
 * Where /metrics is served ({@code camel.server.host}, {@code camel.server.port}), checked before anything starts:
 * Camel's HTTP server only logs a failed bind and carries on, so a busy port would leave the exporter polling
 * and writing state while another process answers its /metrics.
 */
public record HttpListener(String host, int port) {
    public static final String HOW_TO_CHANGE = "--listen [host:]port, or camel.server.port (prometheus.port with --cfg)";

    /** @param described how a setting is named in messages (e.g. the config.yaml key it came from) */
    public static HttpListener fromSettings(Function<String, String> property, Function<String, String> described) {
        String host = property.apply("camel.server.host");
        host = host == null || host.isBlank() ? "0.0.0.0" : host.trim();
        String rawPort = property.apply("camel.server.port");
        rawPort = rawPort == null || rawPort.isBlank() ? "8080" : rawPort.trim();
        int port = port(rawPort);
        if (port < 0) {
            throw new ConfigException(named(described, "camel.server.port") + "='" + rawPort
                    + "' is not a port number from 1 to 65535: give e.g. 9671 (" + HOW_TO_CHANGE + ")");
        }
        return new HttpListener(host, port);
    }

    /** @return the TCP port {@code text} names (1 to 65535), or -1 when it names none */
    public static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65_535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Fails with one line when another process (or another exporter) already listens there. */
    public void requireFree() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ConfigException("cannot serve /metrics on " + host + ":" + port + ": no such host or address here:"
                    + " give an address of this machine (0.0.0.0 for all) with " + HOW_TO_CHANGE);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (IOException e) {
            throw new ConfigException("cannot serve /metrics on " + host + ":" + port + ": " + reason(e)
                    + ": stop the process that uses it or choose another port with " + HOW_TO_CHANGE);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.net.BindException) {
            return e.getMessage() != null && e.getMessage().contains("in use") ? "the port is already in use"
                    : "cannot bind (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String named(Function<String, String> described, String key) {
        String name = described.apply(key);
        return name == null ? key : name;
    }
}
