package io.emqxclientmonitor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the reference (Python) exporter's {@code config.yaml} unchanged and turns it into our properties:
 * {@code emqx} → {@code emqx.*}, {@code monitored_clients} → the file itself as clients file,
 * {@code prometheus} → port, address, poll interval ({@code ttl_seconds}) and {@code enable_*} flags.
 */
public final class ReferenceConfigFile {
    private static final ObjectMapper YAML = MonitoredClientsFile.yamlMapper();
    private static final Set<String> SECTIONS = Set.of("emqx", "monitored_clients", "prometheus");
    private static final Map<String, String> EMQX_KEYS = Map.of(
            "api_url", "emqx.url", "api_key", "emqx.api.key", "api_secret", "emqx.api.secret", "alias", "emqx.alias",
            "timeout_seconds", "emqx.timeout-seconds", "attempts", "emqx.attempts");

    private ReferenceConfigFile() {
    }

    public static Map<String, String> toProperties(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("--cfg " + file + ": cannot read it (" + MonitoredClientsFile.oneLine(e)
                    + "): give the path of the reference exporter's config.yaml");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("--cfg " + file + ": not a YAML mapping: expected the sections emqx, monitored_clients, prometheus");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String section = it.next();
            if (!SECTIONS.contains(section)) {
                throw new ConfigException("--cfg " + file + ": unknown section '" + section + "': the sections are emqx, monitored_clients, prometheus");
            }
        }
        emqx(file, root.get("emqx"), properties);
        properties.put("emqx.clients-file", file.toString());
        prometheus(file, root.get("prometheus"), properties);
        return properties;
    }

    private static void emqx(Path file, JsonNode emqx, Map<String, String> properties) {
        if (emqx == null || !emqx.isObject()) {
            throw new ConfigException("--cfg " + file + ": the 'emqx' section is missing: it needs api_url, api_key, api_secret and alias");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = emqx.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("ssl")) {
                if (value.isBoolean()) {
                    properties.put("emqx.tls.insecure", Boolean.toString(!value.asBoolean()));
                } else {
                    properties.put("emqx.tls.ca-bundle", value.asText());
                }
            } else if (EMQX_KEYS.containsKey(key)) {
                properties.put(EMQX_KEYS.get(key), value.asText());
            } else {
                throw new ConfigException("--cfg " + file + ": unknown setting emqx." + key
                        + ": the settings are api_url, api_key, api_secret, alias, ssl, timeout_seconds, attempts");
            }
        }
    }

    private static void prometheus(Path file, JsonNode prometheus, Map<String, String> properties) {
        if (prometheus == null || prometheus.isNull()) {
            return;
        }
        Map<String, Boolean> flags = MetricFlags.defaultsByName();
        for (Iterator<Map.Entry<String, JsonNode>> it = prometheus.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String value = field.getValue().asText();
            switch (key) {
                case "port" -> properties.put("camel.server.port", value);
                case "address" -> properties.put("camel.server.host", value);
                case "ttl_seconds" -> properties.put("monitor.poll-interval-seconds", value);
                default -> {
                    String flag = key.startsWith("enable_") ? key.substring("enable_".length()) : null;
                    if (flag == null || !flags.containsKey(flag)) {
                        throw new ConfigException("--cfg " + file + ": unknown setting prometheus." + key
                                + ": the settings are port, address, ttl_seconds and enable_" + String.join(", enable_", flags.keySet()));
                    }
                    properties.put(ConfigLoader.FLAG_PREFIX + flag.replace('_', '-'), value);
                }
            }
        }
    }
}
