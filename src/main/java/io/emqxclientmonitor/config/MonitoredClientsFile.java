package io.emqxclientmonitor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML file holding {@code monitored_clients: [{alias, client_id}, ...]}, the shape of the reference
 * exporter's config (so its config file itself can be given as the clients file).
 */
public final class MonitoredClientsFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MonitoredClientsFile() {
    }

    public static List<MonitoredClient> read(Path file, String settingName) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(settingName + ": cannot read " + file + " (" + oneLine(e)
                    + "): check the path and that the file is readable YAML");
        }
        JsonNode list = root == null ? null : root.get("monitored_clients");
        if (list == null || !list.isArray()) {
            throw new ConfigException(settingName + ": " + file
                    + " has no 'monitored_clients' list: write 'monitored_clients:' followed by '- alias: …' / '  client_id: …' entries");
        }
        List<MonitoredClient> clients = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = settingName + ": " + file + " monitored_clients[" + index++ + "]";
            clients.add(new MonitoredClient(text(entry, "alias", where), text(entry, "client_id", where)));
        }
        return clients;
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull() || value.isContainerNode() || value.asText().isEmpty()) {
            throw new ConfigException(where + " has no '" + field + "': every entry needs both 'alias' and 'client_id'");
        }
        return value.asText();
    }

    static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
