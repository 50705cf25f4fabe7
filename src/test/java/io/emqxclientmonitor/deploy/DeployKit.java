package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths of the deployment kit, the metric contract, and small helpers shared by the deploy tests:
 * rendering the Helm chart with helm-java, reading multi-document YAML, running promtool.
 */
final class DeployKit {

    static final Path ROOT = projectRoot();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path CHART = DEPLOY.resolve("helm/emqx-client-monitor");
    static final Path ALERTS = DEPLOY.resolve("prometheus/alerts.yaml");
    static final Path ALERTS_TEST = DEPLOY.resolve("prometheus/alerts.test.yaml");
    static final Path CHART_ALERTS = CHART.resolve("files/alerts.yaml");
    static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    static final Path DASHBOARD = DEPLOY.resolve("grafana/emqx-client-monitor.json");
    static final Path CAMEL_K = DEPLOY.resolve("camel-k");
    static final Path TEST_VALUES = ROOT.resolve("src/test/resources/deploy");
    static final Path RENDERS = ROOT.resolve("target/helm-renders");

    /** Release name and namespace used for every render. */
    static final String RELEASE = "emqx-client-monitor";
    static final String NAMESPACE = "monitoring";
    /** Kubernetes version rendered for (helm template's default is v1.20). */
    static final String KUBE_VERSION = "v1.30.0";

    /** Every metric the exporter exposes (the contract in the README / issue #4), plus Prometheus' own. */
    static final Set<String> EXPORTER_METRICS = Set.of(
            "emqx_client_monitor_connected",
            "emqx_client_monitor_subscriptions",
            "emqx_client_monitor_inflights",
            "emqx_client_monitor_created_at",
            "emqx_client_monitor_connected_at",
            "emqx_client_monitor_messages_processed_total",
            "emqx_client_monitor_messages_processed_by_qos_total",
            "emqx_client_monitor_messages_dropped_total",
            "emqx_client_monitor_messages_dropped_by_reason_total",
            "emqx_client_monitor_bytes_total",
            "emqx_client_monitor_packets_total",
            "emqx_client_monitor_connects_total",
            "emqx_client_monitor_disconnects_total",
            "emqx_client_monitor_last_seen_timestamp_seconds",
            "emqx_client_monitor_last_disconnect_timestamp_seconds",
            "emqx_client_monitor_up",
            "emqx_client_monitor_last_success_timestamp_seconds",
            "emqx_client_monitor_poll_duration_seconds",
            "emqx_client_monitor_poll_errors_total",
            "emqx_client_monitor_api_requests_total",
            "emqx_client_monitor_build_info",
            "emqx_client_monitor_shard_info",
            // the event feed's (docs/events.md)
            "emqx_client_monitor_disconnects_by_reason_total",
            "emqx_client_monitor_event_feed_up",
            "emqx_client_monitor_events_total",
            "emqx_client_monitor_events_invalid_total",
            "emqx_client_monitor_event_missed_sessions_total");

    /** Series Prometheus itself writes for every target. */
    static final Set<String> PROMETHEUS_METRICS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private DeployKit() {
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("deploy"))) {
                return d;
            }
        }
        return dir;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renders the chart with a values file (null: the chart's defaults) and extra --set values. */
    static String template(Path valuesFile, Map<String, Object> sets) {
        return template(RELEASE, valuesFile, sets);
    }

    /** The same under another release name. */
    static String template(String release, Path valuesFile, Map<String, Object> sets) {
        TemplateCommand command = new Helm(CHART).template().withName(release).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            command = command.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    /** The non-empty documents of a multi-document YAML text. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class)
                .readValues(new YAMLFactory().createParser(yaml))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static JsonNode parseYaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parseJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- promtool ------------------------------------------------------------------------------------------

    /** promtool on PATH, or null. */
    static Path promtool() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command in a directory, stdout and stderr merged, with a time limit. */
    static Result run(Path workDir, Duration limit, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = ("(output not readable: " + e + ")").getBytes(StandardCharsets.UTF_8);
                }
            });
            reader.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                reader.join(1000);
                return new Result(-1, String.join(" ", command) + " did not finish within " + limit);
            }
            reader.join();
            return new Result(process.exitValue(), new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- PromQL --------------------------------------------------------------------------------------------

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern BRACES = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w])");
    private static final Pattern DURATION = Pattern.compile("\\b[0-9]+(ms|s|m|h|d|w|y)\\b");

    /** PromQL functions, aggregation operators and keywords (Prometheus 2.42). */
    static final Set<String> PROMQL_WORDS = Set.of(
            "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
            "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor",
            "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join",
            "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear", "rate", "resets",
            "round", "scalar", "sgn", "sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year",
            "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
            "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
            "present_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin",
            "sinh", "tan", "tanh", "deg", "rad", "pi",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile",
            "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
            "group_right", "inf", "nan", "atan2");

    /**
     * The metric names a PromQL expression selects: what is left after removing strings, label matchers,
     * ranges, grouping label lists, durations, numbers, functions and keywords.
     */
    static Set<String> metricNames(String expr) {
        String e = STRING.matcher(expr).replaceAll(" ");
        e = BRACES.matcher(e).replaceAll(" ");
        e = RANGES.matcher(e).replaceAll(" ");
        e = LABEL_LISTS.matcher(e).replaceAll(" ");
        e = DURATION.matcher(e).replaceAll(" ");
        Set<String> names = new java.util.TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String word = m.group(1);
            if (!PROMQL_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}
