package io.emqxclientmonitor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

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
    /** SnakeYAML refuses documents over 3 MB by default; 100,000 clients take about 6 MB. */
    private static final int MAX_YAML_CODE_POINTS = 256 * 1024 * 1024;
    private static final ObjectMapper YAML = yamlMapper();

    private MonitoredClientsFile() {
    }

    /** A YAML reader for files with many monitored clients. */
    static ObjectMapper yamlMapper() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_YAML_CODE_POINTS);
        return new ObjectMapper(YAMLFactory.builder().loaderOptions(loader).build());
    }

    public static List<MonitoredClient> read(Path file, String settingName) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(settingName + ": cannot read " + file + ": " + readError(e)
                    + ": check the path and that the file is readable YAML");
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

    /** "no such file", "permission denied", or the YAML mistake with its line and column. */
    static String readError(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException yaml && yaml.getLocation() != null) {
            String what = yaml.getOriginalMessage() == null ? "" : yaml.getOriginalMessage();
            int newline = what.indexOf('\n');
            return "YAML error at line " + yaml.getLocation().getLineNr() + ", column " + yaml.getLocation().getColumnNr()
                    + " (" + (newline < 0 ? what : what.substring(0, newline)).trim() + ")";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return oneLine(e);
    }

    static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
