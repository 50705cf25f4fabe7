package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.emqxclientmonitor.deploy.DeployKit.ALERTS;
import static io.emqxclientmonitor.deploy.DeployKit.ALERTS_TEST;
import static io.emqxclientmonitor.deploy.DeployKit.CHART_ALERTS;
import static io.emqxclientmonitor.deploy.DeployKit.EXPORTER_METRICS;
import static io.emqxclientmonitor.deploy.DeployKit.PROMETHEUS_METRICS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/prometheus/alerts.yaml: the chart's copy is identical, the rules are well-formed, use only metrics
 * the exporter exposes, and pass promtool's syntax check and the unit tests in alerts.test.yaml.
 */
class AlertRulesTest {

    static final List<String> ALERT_NAMES = List.of(
            "EmqxClientDisconnectedTooLong",
            "EmqxClientMonitorBrokerUnreachable",
            "EmqxClientMonitorPollStale",
            "EmqxClientMonitorShardsDisagree",
            "EmqxClientMonitorShardMissing",
            "EmqxClientMonitorAbsent",
            "EmqxClientFlapping",
            "EmqxClientKeepaliveTimeouts");

    @Test
    void chartCopyIsIdenticalToTheSource() throws Exception {
        assertArrayEquals(Files.readAllBytes(ALERTS), Files.readAllBytes(CHART_ALERTS),
                "deploy/helm/emqx-client-monitor/files/alerts.yaml differs from deploy/prometheus/alerts.yaml; run "
                        + "cp deploy/prometheus/alerts.yaml deploy/helm/emqx-client-monitor/files/alerts.yaml");
    }

    @Test
    void everyAlertHasSeveritySummaryAndDescription() {
        JsonNode rules = DeployKit.parseYaml(DeployKit.read(ALERTS));
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                names.add(name);
                assertTrue(Set.of("info", "warning", "critical").contains(rule.at("/labels/severity").asText()),
                        name + ": severity label must be info, warning or critical");
                assertFalse(rule.at("/annotations/summary").asText().isBlank(), name + ": summary annotation");
                assertFalse(rule.at("/annotations/description").asText().isBlank(), name + ": description annotation");
                assertFalse(rule.path("expr").asText().isBlank(), name + ": expr");
            }
        }
        assertEquals(ALERT_NAMES, names);
    }

    @Test
    void rulesUseOnlyMetricsTheExporterExposes() {
        JsonNode rules = DeployKit.parseYaml(DeployKit.read(ALERTS));
        Set<String> allowed = new HashSet<>(EXPORTER_METRICS);
        allowed.addAll(PROMETHEUS_METRICS);
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Set<String> used = DeployKit.metricNames(rule.path("expr").asText());
                assertFalse(used.isEmpty(), rule.path("alert").asText() + " selects no metric");
                Set<String> unknown = new TreeSet<>(used);
                unknown.removeAll(allowed);
                assertTrue(unknown.isEmpty(), rule.path("alert").asText() + " uses unknown metrics " + unknown);
            }
        }
    }

    @Test
    void theDisconnectAlertSurvivesScrapeGaps() {
        // `for:` restarts after every failed scrape; the rule must be written on the data instead
        JsonNode rule = rule("EmqxClientDisconnectedTooLong");
        assertTrue(rule.path("for").isMissingNode() || rule.path("for").asText().matches("0s|0m|1m"),
                "EmqxClientDisconnectedTooLong must not rely on a long for: (it restarts after a scrape gap)");
        String expr = rule.path("expr").asText();
        assertTrue(expr.contains("max_over_time(emqx_client_monitor_connected[30m])")
                || expr.contains("emqx_client_monitor_last_seen_timestamp_seconds"), expr);
    }

    @Test
    void theChartSchemaLetsEveryAlertBeDisabledByName() {
        JsonNode schema = DeployKit.parseJson(DeployKit.CHART.resolve("values.schema.json"));
        List<String> names = new java.util.ArrayList<>();
        schema.at("/properties/prometheusRule/properties/disabledAlerts/items/enum").forEach(n -> names.add(n.asText()));
        assertEquals(ALERT_NAMES, names, "values.schema.json prometheusRule.disabledAlerts enum");
    }

    @Test
    void theStalenessAlertNeverReadsNeverAsAncient() {
        // last_success is 0 before a broker's first successful poll: time() - 0 would fire on every restart
        String expr = rule("EmqxClientMonitorPollStale").path("expr").asText();
        assertTrue(expr.contains("emqx_client_monitor_last_success_timestamp_seconds > 0"), expr);
        assertTrue(expr.contains("emqx_client_monitor_up"), "hung polls keep up at 1; failing polls are up 0: " + expr);
    }

    @Test
    void promtoolChecksTheRules() {
        Path promtool = DeployKit.promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus); CI installs it");
        DeployKit.Result result = DeployKit.run(ALERTS.getParent(), Duration.ofSeconds(60),
                promtool.toString(), "check", "rules", ALERTS.getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains(ALERT_NAMES.size() + " rules found"), result.output());
    }

    @Test
    void promtoolUnitTestsPass() {
        Path promtool = DeployKit.promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus); CI installs it");
        DeployKit.Result result = DeployKit.run(ALERTS_TEST.getParent(), Duration.ofSeconds(60),
                promtool.toString(), "test", "rules", ALERTS_TEST.getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    @Test
    void unitTestsCoverEveryAlertAScrapeGapAndAStaleSeries() {
        String tests = DeployKit.read(ALERTS_TEST);
        JsonNode doc = DeployKit.parseYaml(tests);
        Set<String> tested = new TreeSet<>();
        boolean gap = false;
        boolean stale = false;
        for (JsonNode test : doc.path("tests")) {
            for (JsonNode art : test.path("alert_rule_test")) {
                if (!art.path("exp_alerts").isEmpty()) {
                    tested.add(art.path("alertname").asText());
                }
            }
            for (JsonNode series : test.path("input_series")) {
                String values = series.path("values").asText();
                gap |= values.matches(".*(^|\\s)_(x\\d+)?(\\s|$).*");
                stale |= values.contains("stale");
            }
        }
        assertEquals(new TreeSet<>(ALERT_NAMES), tested, "every alert needs a test where it fires");
        assertTrue(gap, "a test with a scrape gap ('_')");
        assertTrue(stale, "a test with a stale series ('stale')");
        assertNotNull(doc.path("rule_files").get(0));
        assertEquals("alerts.yaml", doc.path("rule_files").get(0).asText());
    }

    private static JsonNode rule(String alert) {
        for (JsonNode group : DeployKit.parseYaml(DeployKit.read(ALERTS)).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (alert.equals(rule.path("alert").asText())) {
                    return rule;
                }
            }
        }
        throw new AssertionError("no alert " + alert);
    }
}
