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

    /**
     * The file's settings as our properties, and for each of them the key the user wrote (for messages).
     * The file is the whole configuration of the reference exporter, so it also pins what it leaves out but would
     * otherwise be merged in from elsewhere: no inline clients ({@code emqx.clients}), one broker ({@code emqx.brokers}).
     */
    public record Settings(Map<String, String> properties, Map<String, String> writtenAs) {
    }

    public static Map<String, String> toProperties(Path file) {
        return read(file).properties();
    }

    public static Settings read(Path file) {
        Map<String, String> writtenAs = new LinkedHashMap<>();
        Map<String, String> properties = toProperties(file, writtenAs);
        return new Settings(properties, writtenAs);
    }

    private static Map<String, String> toProperties(Path file, Map<String, String> writtenAs) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("--cfg " + file + ": cannot read it: " + MonitoredClientsFile.readError(e)
                    + ": give the path of the reference exporter's config.yaml");
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
        emqx(file, root.get("emqx"), properties, writtenAs);
        properties.put("emqx.clients-file", file.toString());
        writtenAs.put("emqx.clients-file", "monitored_clients in --cfg " + file);
        properties.put("emqx.clients", "");
        // the file's monitored_clients is the whole list: a pattern left in the environment does not widen it
        properties.put("emqx.clients.like", "");
        properties.put("emqx.clients.pattern", "");
        properties.put("emqx.brokers", "");
        prometheus(file, root.get("prometheus"), properties, writtenAs);
        return properties;
    }

    private static void emqx(Path file, JsonNode emqx, Map<String, String> properties, Map<String, String> writtenAs) {
        if (emqx == null || !emqx.isObject()) {
            throw new ConfigException("--cfg " + file + ": the 'emqx' section is missing: it needs api_url, api_key, api_secret and alias");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = emqx.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            String origin = "emqx." + key + " in --cfg " + file;
            if (key.equals("ssl")) {
                if (value.isBoolean()) {
                    properties.put("emqx.tls.insecure", Boolean.toString(!value.asBoolean()));
                    properties.put("emqx.tls.ca-bundle", "");
                } else {
                    properties.put("emqx.tls.ca-bundle", value.asText());
                    properties.put("emqx.tls.insecure", "false");
                }
                writtenAs.put("emqx.tls.insecure", origin);
                writtenAs.put("emqx.tls.ca-bundle", origin);
            } else if (EMQX_KEYS.containsKey(key)) {
                properties.put(EMQX_KEYS.get(key), value.asText());
                writtenAs.put(EMQX_KEYS.get(key), origin);
            } else {
                throw new ConfigException("--cfg " + file + ": unknown setting emqx." + key
                        + ": the settings are api_url, api_key, api_secret, alias, ssl, timeout_seconds, attempts");
            }
        }
    }

    private static void prometheus(Path file, JsonNode prometheus, Map<String, String> properties, Map<String, String> writtenAs) {
        if (prometheus == null || prometheus.isNull()) {
            return;
        }
        Map<String, Boolean> flags = MetricFlags.defaultsByName();
        for (Iterator<Map.Entry<String, JsonNode>> it = prometheus.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String value = field.getValue().asText();
            String origin = "prometheus." + key + " in --cfg " + file;
            switch (key) {
                case "port" -> {
                    properties.put("camel.server.port", value);
                    writtenAs.put("camel.server.port", origin);
                }
                case "address" -> {
                    properties.put("camel.server.host", value);
                    writtenAs.put("camel.server.host", origin);
                }
                case "ttl_seconds" -> {
                    properties.put("monitor.poll-interval-seconds", value);
                    writtenAs.put("monitor.poll-interval-seconds", origin);
                }
                default -> {
                    String flag = key.startsWith("enable_") ? key.substring("enable_".length()) : null;
                    if (flag == null || !flags.containsKey(flag)) {
                        throw new ConfigException("--cfg " + file + ": unknown setting prometheus." + key
                                + ": the settings are port, address, ttl_seconds and enable_" + String.join(", enable_", flags.keySet()));
                    }
                    properties.put(ConfigLoader.FLAG_PREFIX + flag.replace('_', '-'), value);
                    writtenAs.put(ConfigLoader.FLAG_PREFIX + flag.replace('_', '-'), origin);
                }
            }
        }
    }
}
