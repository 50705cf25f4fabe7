package io.emqxclientmonitor.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every panel of the dashboard answers the same with one exporter as with two replicas of it, both scraped (every
 * series twice, under two instances and replica labels). Broker "one" has one exporter, broker "two" two replicas
 * fed the same answers; promtool evaluates each panel's query for both and must find no difference. The panels
 * that show load on EMQX (requests, poll errors) and the exporters themselves (version, shards) count instances
 * on purpose: a replica does double the requests.
 */
class DashboardReplicasTest {
    private static final Set<String> COUNT_INSTANCES = Set.of("EMQX API requests", "Poll errors", "Exporter version",
            "Shards reporting");
    private static final Set<String> PER_BROKER = Set.of("emqx_client_monitor_up",
            "emqx_client_monitor_last_success_timestamp_seconds", "emqx_client_monitor_poll_duration_seconds",
            "emqx_client_monitor_poll_errors_total", "emqx_client_monitor_api_requests_total");
    private static final Set<String> PER_INSTANCE = Set.of("emqx_client_monitor_build_info", "emqx_client_monitor_shard_info");

    /** "panel title" -> its expressions, read here (GrafanaDashboardTest's lists are filled by its own @BeforeAll). */
    private static final Map<String, java.util.List<String>> PANELS = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void load() {
        collect(DeployKit.parseJson(DeployKit.DASHBOARD).path("panels"));
    }

    private static void collect(com.fasterxml.jackson.databind.JsonNode panels) {
        for (com.fasterxml.jackson.databind.JsonNode panel : panels) {
            for (com.fasterxml.jackson.databind.JsonNode target : panel.path("targets")) {
                PANELS.computeIfAbsent(panel.path("title").asText(), t -> new java.util.ArrayList<>())
                        .add(target.path("expr").asText());
            }
            collect(panel.path("panels"));
        }
    }

    @Test
    void everyPanelAnswersTheSameWithTwoReplicas() throws Exception {
        Path promtool = DeployKit.promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus); CI installs it");
        Set<String> metrics = new TreeSet<>();
        StringBuilder tests = new StringBuilder();
        int compared = 0;
        for (Map.Entry<String, java.util.List<String>> panel : PANELS.entrySet()) {
          if (COUNT_INSTANCES.contains(panel.getKey())) {
              continue;
          }
          for (String expr : panel.getValue()) {
            metrics.addAll(DeployKit.metricNames(GrafanaDashboardTest.substitute(expr)));
            String one = "(" + forBroker(expr, "one") + ")";
            String two = "label_replace(" + forBroker(expr, "two") + ", \"broker\", \"one\", \"broker\", \"two\")";
            String difference = "(" + one + " != " + two + ") or (" + one + " unless " + two + ") or (" + two + " unless " + one + ")";
            tests.append("      - expr: ").append(quoted(difference)).append("\n        eval_time: 40m\n        exp_samples: []\n");
            tests.append("      - expr: ").append(quoted("absent(" + one + ")")).append("\n        eval_time: 40m\n        exp_samples: []\n");
            compared++;
          }
        }
        assertTrue(compared >= 20, "panels compared: " + compared);
        StringBuilder file = new StringBuilder("rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
        metrics.addAll(PER_INSTANCE);
        for (String metric : metrics) {
            series(file, metric, "one", "10.0.0.1:9671", null);
            series(file, metric, "two", "10.0.0.2:9671", "0");
            series(file, metric, "two", "10.0.0.3:9671", "1");
        }
        file.append("    promql_expr_test:\n").append(tests);
        Path dir = Files.createTempDirectory("dashboard-replicas");
        Path test = dir.resolve("replicas.test.yaml");
        Files.writeString(test, file);
        DeployKit.Result result = DeployKit.run(dir, Duration.ofSeconds(120), promtool.toString(), "test", "rules",
                test.getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
        Files.delete(test);
        Files.delete(dir);
    }

    /** The panel's query with $broker set to one broker and $alias to every client. */
    private static String forBroker(String expr, String broker) {
        return GrafanaDashboardTest.substitute(expr.replaceAll("\\$\\{?broker(:[a-z]+)?}?", broker));
    }

    private static void series(StringBuilder file, String metric, String broker, String instance, String replica) {
        String target = "namespace=\"monitoring\",job=\"emqx-client-monitor\",instance=\"" + instance + "\""
                + (replica == null ? "" : ",replica=\"" + replica + "\"");
        if (PER_INSTANCE.contains(metric)) {
            if (broker.equals("one") || replica != null) { // one series per instance
                String labels = metric.endsWith("shard_info") ? "shard=\"0\",total_shards=\"1\"" : "version=\"1.0.0\"";
                add(file, metric, target + "," + labels, "1x60");
            }
            return;
        }
        if (PER_BROKER.contains(metric)) {
            String values = metric.endsWith("_up") ? "1x10 0x5 1x45" : metric.endsWith("_seconds") ? "60+60x60" : "0+3x60";
            add(file, metric, target + ",broker=\"" + broker + "\"", values);
            return;
        }
        String client = target + ",broker=\"" + broker + "\"";
        boolean connected = metric.endsWith("_connected");
        add(file, metric, client + ",alias=\"steady\",client_id=\"dev-a\",direction=\"rx\",qos=\"1\",reason=\"queue_full\"",
                connected ? "1x60" : metric.endsWith("_total") ? "0+5x60" : "100+60x60");
        add(file, metric, client + ",alias=\"flappy\",client_id=\"dev-b\",direction=\"tx\",qos=\"0\",reason=\"keepalive_timeout\"",
                connected ? "1x20 0x20 1 0x19" : metric.endsWith("_total") ? "0x10 1 2 3 4 5 6 7 8x50" : "50+30x60");
    }

    private static void add(StringBuilder file, String metric, String labels, String values) {
        file.append("      - series: '").append(metric).append('{').append(labels).append("}'\n        values: '")
                .append(values).append("'\n");
    }

    private static String quoted(String expr) {
        return "'" + expr.replace("'", "''") + "'";
    }
}
