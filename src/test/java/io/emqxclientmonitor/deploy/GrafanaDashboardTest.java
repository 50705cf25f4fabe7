package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.emqxclientmonitor.deploy.DeployKit.DASHBOARD;
import static io.emqxclientmonitor.deploy.DeployKit.EXPORTER_METRICS;
import static io.emqxclientmonitor.deploy.DeployKit.PROMETHEUS_METRICS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/grafana/emqx-client-monitor.json: a well-formed dashboard whose every PromQL expression parses
 * (promtool check rules on a generated rule file, when promtool is installed) and selects only metrics the
 * exporter exposes, filtered by the broker (and client) variables.
 */
class GrafanaDashboardTest {

    static JsonNode dashboard;
    /** "panel title / refId" -> expression as written in the dashboard. */
    static final Map<String, String> EXPRESSIONS = new LinkedHashMap<>();
    static final List<JsonNode> PANELS = new ArrayList<>();

    @BeforeAll
    static void load() {
        dashboard = DeployKit.parseJson(DASHBOARD);
        collect(dashboard.path("panels"));
    }

    private static void collect(JsonNode panels) {
        for (JsonNode panel : panels) {
            PANELS.add(panel);
            for (JsonNode target : panel.path("targets")) {
                EXPRESSIONS.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
            collect(panel.path("panels")); // panels of collapsed rows
        }
    }

    /** Grafana's variables replaced by values Prometheus accepts. */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("${__rate_interval}", "5m")
                .replace("$__interval", "1m").replace("${__interval}", "1m")
                .replace("$__range", "1h").replace("${__range}", "1h")
                .replaceAll("\\$\\{?(broker|alias)(:[a-z]+)?}?", ".*");
    }

    @Test
    void isAGrafanaDashboard() {
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "schemaVersion");
        assertEquals("emqx-client-monitor", dashboard.path("uid").asText());
        assertFalse(dashboard.path("title").asText().isBlank());
        assertFalse(dashboard.has("id") && !dashboard.path("id").isNull(), "no instance-specific id");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : PANELS) {
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("w").asInt() > 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24,
                    panel.path("title").asText() + ": gridPos " + grid);
            assertTrue(grid.path("h").asInt() > 0, panel.path("title").asText());
            if (!panel.path("type").asText().equals("row")) {
                assertEquals("${datasource}", panel.at("/datasource/uid").asText(), panel.path("title") + " datasource");
                assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " has no query");
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.path("targets")) {
                    assertTrue(refIds.add(target.path("refId").asText()), panel.path("title") + " duplicate refId");
                    assertEquals("${datasource}", target.at("/datasource/uid").asText(), panel.path("title") + " target datasource");
                    assertFalse(target.path("expr").asText().isBlank(), panel.path("title") + " empty expr");
                }
            }
        }
    }

    @Test
    void hasDatasourceBrokerAndAliasVariables() {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.at("/templating/list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertEquals(List.of("datasource", "broker", "alias"), List.copyOf(variables.keySet()));
        assertEquals("datasource", variables.get("datasource").path("type").asText());
        assertEquals("prometheus", variables.get("datasource").path("query").asText());
        for (String name : List.of("broker", "alias")) {
            JsonNode v = variables.get(name);
            assertEquals("query", v.path("type").asText(), name);
            assertEquals("${datasource}", v.at("/datasource/uid").asText(), name);
            assertTrue(v.path("multi").asBoolean() && v.path("includeAll").asBoolean(), name + ": multi and All");
            assertEquals(".*", v.path("allValue").asText(), name);
            Matcher m = Pattern.compile("^label_values\\((.+),\\s*(\\w+)\\)$").matcher(v.path("definition").asText());
            assertTrue(m.matches(), name + ": " + v.path("definition"));
            assertEquals(name, m.group(2));
            assertTrue(EXPORTER_METRICS.containsAll(DeployKit.metricNames(substitute(m.group(1)))), v.path("definition").asText());
            assertEquals(v.path("definition").asText(), v.at("/query/query").asText(), name);
        }
        assertTrue(variables.get("alias").path("definition").asText().contains("$broker"), "alias depends on broker");
    }

    @Test
    void expressionsUseOnlyExporterMetrics() {
        Set<String> allowed = new HashSet<>(EXPORTER_METRICS);
        allowed.addAll(PROMETHEUS_METRICS);
        Set<String> used = new TreeSet<>();
        EXPRESSIONS.forEach((where, expr) -> {
            Set<String> names = DeployKit.metricNames(substitute(expr));
            assertFalse(names.isEmpty(), where + " selects no metric: " + expr);
            Set<String> unknown = new TreeSet<>(names);
            unknown.removeAll(allowed);
            assertTrue(unknown.isEmpty(), where + " uses unknown metrics " + unknown);
            used.addAll(names);
        });
        // the fleet overview and the drill-down cover the exporter's main families
        assertTrue(used.containsAll(Set.of("emqx_client_monitor_connected", "emqx_client_monitor_up",
                "emqx_client_monitor_poll_errors_total", "emqx_client_monitor_disconnects_total",
                "emqx_client_monitor_connects_total", "emqx_client_monitor_last_seen_timestamp_seconds",
                "emqx_client_monitor_messages_processed_total", "emqx_client_monitor_messages_dropped_total",
                "emqx_client_monitor_bytes_total", "emqx_client_monitor_packets_total")), used.toString());
    }

    @Test
    void perClientAndPerBrokerSelectorsFollowTheVariables() {
        Pattern selector = Pattern.compile("(emqx_client_monitor_[a-z_]+)(\\{[^}]*})?");
        EXPRESSIONS.forEach((where, expr) -> {
            Matcher m = selector.matcher(expr);
            while (m.find()) {
                if (m.group(1).equals("emqx_client_monitor_build_info") || m.group(1).equals("emqx_client_monitor_shard_info")) {
                    // per instance, no broker label
                    continue;
                }
                String matchers = m.group(2) == null ? "" : m.group(2);
                assertTrue(matchers.contains("broker=~\"$broker\""), where + ": " + m.group() + " ignores $broker");
            }
        });
        long drillDown = EXPRESSIONS.values().stream().filter(e -> e.contains("alias=~\"$alias\"")).count();
        assertTrue(drillDown >= 8, "the drill-down panels filter by $alias");
        List<String> rows = PANELS.stream().filter(p -> p.path("type").asText().equals("row"))
                .map(p -> p.path("title").asText()).toList();
        assertTrue(rows.stream().anyMatch(t -> t.startsWith("Fleet overview")), rows.toString());
        assertTrue(rows.stream().anyMatch(t -> t.startsWith("Client drill-down")), rows.toString());
    }

    @Test
    void everyAggregationByAliasAlsoKeepsTheBroker() {
        // the same alias on two brokers is two clients: `sum by (alias)` would add them up
        Pattern by = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)");
        EXPRESSIONS.forEach((where, expr) -> {
            Matcher m = by.matcher(expr);
            while (m.find()) {
                List<String> labels = List.of(m.group(1).replace(" ", "").split(","));
                if (labels.contains("alias")) {
                    assertTrue(labels.contains("broker"), where + ": " + m.group() + " merges one alias on several brokers");
                }
            }
        });
        PANELS.forEach(panel -> panel.path("targets").forEach(target -> {
            String legend = target.path("legendFormat").asText();
            if (legend.contains("{{alias}}")) {
                assertTrue(legend.contains("{{broker}}"), panel.path("title").asText() + ": legend " + legend);
            }
        }));
    }

    @Test
    void sessionAgeIsShownOnlyForConnectedClients() {
        // connected_at keeps the old session's value after a disconnect
        List<String> sessionAge = EXPRESSIONS.entrySet().stream()
                .filter(e -> e.getValue().contains("emqx_client_monitor_connected_at")).map(Map.Entry::getValue).toList();
        assertFalse(sessionAge.isEmpty());
        sessionAge.forEach(expr -> assertTrue(expr.matches("(?s).*\\band on \\(broker, alias, client_id\\)\\s*\\(max by \\(broker, alias, client_id\\) "
                + "\\(emqx_client_monitor_connected\\{[^}]*}\\) == 1\\).*"), "gated on connected == 1: " + expr));
    }

    @Test
    void clientsOfflineLongestListsClientsThatNeverConnected() {
        // a configured client never seen connected has connected 0 and no last_seen series; the stat counts it
        String expr = EXPRESSIONS.get("Clients offline longest / A");
        assertTrue(expr.contains(" or "), expr);
        assertTrue(expr.matches("(?s).*== 0\\)\\s*unless on \\(broker, alias, client_id\\)\\s*max by \\(broker, alias, client_id\\) "
                + "\\(emqx_client_monitor_last_seen_timestamp_seconds\\{[^}]*}\\).*"), expr);
    }

    @Test
    void pollAgeIgnoresNeverPolledBrokers() {
        // last_success is 0 until the first successful poll: time() - 0 would show 56 years
        EXPRESSIONS.forEach((where, expr) -> {
            if (expr.contains("emqx_client_monitor_last_success_timestamp_seconds")) {
                assertTrue(expr.matches("(?s).*emqx_client_monitor_last_success_timestamp_seconds\\{[^}]*} > 0.*"), where + ": " + expr);
            }
        });
    }

    /**
     * The panel queries evaluated by promtool at t=10m on a small fleet: eu/s dropped at t=5m (last seen
     * 300 s), us/s has the same alias on another broker and never connected (no last_seen series), eu/t is
     * connected since 60 s; broker us was never polled successfully (last_success 0).
     */
    @Test
    void panelQueriesShowTheRightClientsOnATestFleet() {
        Path promtool = DeployKit.promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus); CI installs it");
        String series = """
                  - series: 'emqx_client_monitor_connected{instance="a",broker="eu",alias="s",client_id="c1"}'
                    values: '1x5 0x10'
                  - series: 'emqx_client_monitor_last_seen_timestamp_seconds{instance="a",broker="eu",alias="s",client_id="c1"}'
                    values: '0+60x5 300x10'
                  - series: 'emqx_client_monitor_connected_at{instance="a",broker="eu",alias="s",client_id="c1"}'
                    values: '0x15'
                  - series: 'emqx_client_monitor_connected{instance="a",broker="us",alias="s",client_id="c1"}'
                    values: '0x15'
                  - series: 'emqx_client_monitor_connected{instance="a",broker="eu",alias="t",client_id="c2"}'
                    values: '1x15'
                  - series: 'emqx_client_monitor_connected_at{instance="a",broker="eu",alias="t",client_id="c2"}'
                    values: '60x15'
                  - series: 'emqx_client_monitor_last_success_timestamp_seconds{instance="a",broker="eu"}'
                    values: '0 55+60x14'
                  - series: 'emqx_client_monitor_last_success_timestamp_seconds{instance="a",broker="us"}'
                    values: '0x15'
                """;
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Clients offline longest / A", """
                          - {labels: '{broker="eu",alias="s",client_id="c1"}', value: 300}
                          - {labels: '{broker="us",alias="s",client_id="c1"}', value: .inf}
                """);
        expected.put("Client details / C", """
                          - {labels: '{broker="eu",alias="t",client_id="c2"}', value: 540}
                """);
        expected.put("Age of the last successful poll / A", """
                          - {labels: '{broker="eu"}', value: 5}
                """);
        StringBuilder test = new StringBuilder("rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n")
                .append(series.indent(6)).append("    promql_expr_test:\n");
        expected.forEach((where, samples) -> test.append("      - expr: '")
                .append(substitute(EXPRESSIONS.get(where)).replace("'", "''")).append("'\n")
                .append("        eval_time: 10m\n        exp_samples:\n").append(samples.indent(10)));
        Path file = DeployKit.ROOT.resolve("target/grafana-dashboard-test.yaml");
        DeployKit.write(file, test.toString());
        DeployKit.Result result = DeployKit.run(file.getParent(), Duration.ofSeconds(60),
                promtool.toString(), "test", "rules", file.getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void everyExpressionParses() {
        Path promtool = DeployKit.promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus); CI installs it");
        StringBuilder rules = new StringBuilder("# generated by GrafanaDashboardTest from deploy/grafana/emqx-client-monitor.json\n"
                + "groups:\n  - name: grafana-dashboard-expressions\n    rules:\n");
        int i = 0;
        for (Map.Entry<String, String> e : EXPRESSIONS.entrySet()) {
            rules.append("      # ").append(e.getKey().replace('\n', ' ')).append('\n')
                    .append("      - record: grafana:expression_").append(i++).append('\n')
                    .append("        expr: |\n");
            for (String line : substitute(e.getValue()).split("\n")) {
                rules.append("          ").append(line).append('\n');
            }
        }
        Path file = DeployKit.ROOT.resolve("target/grafana-dashboard-rules.yaml");
        DeployKit.write(file, rules.toString());
        DeployKit.Result result = DeployKit.run(file.getParent(), Duration.ofSeconds(60),
                promtool.toString(), "check", "rules", file.getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS: " + EXPRESSIONS.size() + " rules found"), result.output());
    }
}
