package io.emqxclientmonitor.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client ids and aliases with quotes, backslashes, newlines, tabs, URL-special and non-ASCII characters (all legal
 * in MQTT client ids and in a YAML clients file): the exposition stays valid (Prometheus' own promtool accepts it,
 * where installed), every label value reads back exactly after unescaping, and the JSON API lists them exactly
 * and finds each one by its percent-encoded alias.
 */
class AwkwardLabelsTest {
    /** alias -> client id */
    private static final Map<String, String> CLIENTS = new LinkedHashMap<>();

    static {
        CLIENTS.put("Alias \"quoted\"", "quote\"d");
        CLIENTS.put("Alias \\ back", "back\\slash\\");
        CLIENTS.put("Alias\nnewline", "new\nline");
        CLIENTS.put("Ålias ü 中文 😀", "ünï-中文-😀");
        CLIENTS.put("Alias\ttab", "tab\tand  spaces");
        CLIENTS.put("alias/with/slashes+plus%", "plus+amp&hash#pct%/slash?q=1");
    }

    private static final Pattern SAMPLE = Pattern.compile("^emqx_client_monitor_connected\\{(.*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    @TempDir
    Path dir;

    @Test
    void awkwardIdsAndAliasesGiveAValidExpositionAndAJsonApiRoundTrip() throws Exception {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        CLIENTS.values().forEach(id -> fleet.add(id).publish(3, 1, 30));
        Path clients = dir.resolve("clients.yaml");
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        ObjectMapper json = new ObjectMapper();
        // JSON strings are YAML double-quoted scalars
        CLIENTS.forEach((alias, id) -> yaml.append("  - alias: ").append(jsonString(json, alias))
                .append("\n    client_id: ").append(jsonString(json, id)).append('\n'));
        Files.writeString(clients, yaml);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients-file", clients.toString());
            for (String flag : new String[]{"qos-split", "dropped-counters", "reason-split", "dates", "session-histograms"}) {
                properties.put("metrics.enable-" + flag, "true");
            }
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                String exposition = exporter.scrape();

                Map<String, String> exported = new HashMap<>();
                for (String line : exposition.split("\n")) {
                    Matcher sample = SAMPLE.matcher(line);
                    if (sample.matches()) {
                        Map<String, String> labels = labels(sample.group(1));
                        exported.put(labels.get("alias"), labels.get("client_id"));
                        assertEquals("1.0", sample.group(2), line);
                    }
                }
                assertEquals(CLIENTS, exported, "labels read back exactly");
                promtoolAccepts(exposition);
                jsonApiRoundTrip(exporter, json);
            }
        }
    }

    private static void jsonApiRoundTrip(RunningExporter exporter, ObjectMapper json) throws Exception {
        HttpResponse<String> list = exporter.get("/api/v1/clients", null);
        assertEquals(200, list.statusCode(), list.body());
        Map<String, String> listed = new HashMap<>();
        for (JsonNode client : json.readTree(list.body()).get("clients")) {
            listed.put(client.get("alias").asText(), client.get("client_id").asText());
        }
        assertEquals(CLIENTS, listed);
        for (Map.Entry<String, String> client : CLIENTS.entrySet()) {
            String path = "/api/v1/clients/" + URLEncoder.encode(client.getKey(), StandardCharsets.UTF_8).replace("+", "%20");
            HttpResponse<String> one = exporter.get(path, null);
            assertEquals(200, one.statusCode(), path + " -> " + one.body());
            JsonNode document = json.readTree(one.body());
            assertEquals(client.getKey(), document.get("alias").asText(), path);
            assertEquals(client.getValue(), document.get("client_id").asText(), path);
            assertEquals("connected", document.get("state").asText(), path);
        }
    }

    /** Label text -> values, with the exposition's escapes (\\, \", \n) undone. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher label = LABEL.matcher(text);
        int end = 0;
        while (label.find() && label.start() == end) {
            labels.put(label.group(1), unescape(label.group(2)));
            end = label.end();
        }
        assertEquals(text.length(), end, "labels parse completely: " + text);
        return labels;
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void promtoolAccepts(String exposition) throws Exception {
        boolean installed = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "promtool")));
        if (!installed) {
            return; // PromtoolLintTest makes CI fail without it
        }
        Path file = Files.createTempFile("awkward", ".prom");
        Files.writeString(file, exposition);
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + output);
        Files.delete(file);
    }

    private static String jsonString(ObjectMapper json, String text) {
        try {
            return json.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
