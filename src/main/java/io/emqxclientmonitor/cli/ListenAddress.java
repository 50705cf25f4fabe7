package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.config.HttpListener;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --listen [host:]port}: where /metrics is served; beats camel.server.host/port from every other source. */
record ListenAddress(String host, int port) {

    Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (host != null) {
            properties.put("camel.server.host", host);
        }
        properties.put("camel.server.port", Integer.toString(port));
        return properties;
    }

    static final class Converter implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            String text = value.trim();
            int colon = text.lastIndexOf(':');
            String host = colon < 0 ? null : text.substring(0, colon);
            String port = colon < 0 ? text : text.substring(colon + 1);
            if (host != null && host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host != null && host.isEmpty()) {
                host = null;
            }
            int number = HttpListener.port(port);
            if (number < 0) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not [host:]port with a port from 1 to 65535, e.g. 9671, :9671 or 127.0.0.1:9671");
            }
            return new ListenAddress(host, number);
        }
    }
}
