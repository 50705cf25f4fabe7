package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.emqxclientmonitor.deploy.DeployKit.KUBERNETES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes/*.yaml are the chart rendered with deploy/kubernetes/values-used.yaml, minus what only
 * makes sense under Helm (helm.sh/chart and managed-by labels, checksum annotations). Any difference fails;
 * {@code -Ddeploy.regenerate=true} rewrites the files instead:
 * {@code mvn -B -q test -Dtest=KubernetesManifestsTest -Ddeploy.regenerate=true}.
 */
class KubernetesManifestsTest {

    /** Manifest file per kind. */
    static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("ServiceAccount", "serviceaccount.yaml");
        FILES.put("Secret", "secret.example.yaml");
        FILES.put("ConfigMap", "configmap.yaml");
        FILES.put("Deployment", "deployment.yaml");
        FILES.put("Service", "service.yaml");
        FILES.put("ServiceMonitor", "servicemonitor.yaml");
        FILES.put("PrometheusRule", "prometheusrule.yaml");
        FILES.put("NetworkPolicy", "networkpolicy.yaml");
    }

    static final String HEADER = """
            # Generated from the Helm chart deploy/helm/emqx-client-monitor with deploy/kubernetes/values-used.yaml.
            # Do not edit by hand: change the chart or values-used.yaml, then regenerate with
            #   mvn -B -q test -Dtest=KubernetesManifestsTest -Ddeploy.regenerate=true
            """;

    static final String SECRET_NOTE = """
            # EXAMPLE: replace the placeholders before applying, or create the Secret yourself:
            #   kubectl create secret generic emqx-client-monitor \\
            #     --from-literal=emqx-api-key=... --from-literal=emqx-api-secret=...
            """;

    private static final Pattern HELM_ONLY = Pattern.compile(
            "^\\s*(helm\\.sh/chart: .*|app\\.kubernetes\\.io/managed-by: Helm|checksum/[a-z]+: [0-9a-f]{64})$");

    static Map<String, String> expected;

    @BeforeAll
    static void render() {
        String rendered = DeployKit.template(KUBERNETES.resolve("values-used.yaml"), Map.of());
        expected = plainManifests(rendered);
        if (Boolean.getBoolean("deploy.regenerate")) {
            expected.forEach((file, text) -> DeployKit.write(KUBERNETES.resolve(file), text));
        }
    }

    /** Splits a chart render into one file per kind, without the Helm-only metadata. */
    static Map<String, String> plainManifests(String rendered) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            List<String> lines = new ArrayList<>();
            for (String line : doc.strip().split("\n")) {
                if (!line.startsWith("# Source:") && !HELM_ONLY.matcher(line).matches()) {
                    lines.add(line.stripTrailing());
                }
            }
            // an annotations: key left without entries
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.strip().equals("annotations:")) {
                    int indent = line.indexOf('a');
                    boolean empty = i + 1 >= lines.size() || indentOf(lines.get(i + 1)) <= indent;
                    if (empty) {
                        lines.remove(i);
                    }
                }
            }
            String text = String.join("\n", lines).strip();
            if (text.isEmpty()) {
                continue;
            }
            String kind = DeployKit.parseYaml(text).path("kind").asText();
            String file = FILES.get(kind);
            if (file == null) {
                throw new AssertionError("the chart renders a " + kind + " that has no plain manifest: add it to FILES");
            }
            String header = HEADER + (kind.equals("Secret") ? SECRET_NOTE : "");
            if (files.put(file, header + text + "\n") != null) {
                throw new AssertionError("two " + kind + " documents");
            }
        }
        return files;
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    @Test
    void manifestsAreTheChartsRender() {
        assertEquals(new TreeSet<>(FILES.values()), new TreeSet<>(expected.keySet()),
                "values-used.yaml must render every kind of the chart");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = KUBERNETES.resolve(e.getKey());
            assertTrue(Files.isRegularFile(file), file + " is missing; regenerate with -Ddeploy.regenerate=true");
            assertEquals(e.getValue(), DeployKit.read(file),
                    "deploy/kubernetes/" + e.getKey() + " is out of sync with the chart; regenerate with "
                            + "mvn -B -q test -Dtest=KubernetesManifestsTest -Ddeploy.regenerate=true");
        }
    }

    @Test
    void noOtherManifestsAndKustomizationListsThemAll() throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .forEach(present::add);
        }
        present.removeAll(Set.of("values-used.yaml", "kustomization.yaml"));
        assertEquals(new TreeSet<>(FILES.values()), present, "stale or unknown manifests in deploy/kubernetes");
        JsonNode kustomization = DeployKit.parseYaml(DeployKit.read(KUBERNETES.resolve("kustomization.yaml")));
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(new TreeSet<>(FILES.values()), listed, "kustomization.yaml resources");
    }

    @Test
    void manifestsAreNamespaceLessAndFreeOfHelmMetadata() {
        for (String file : FILES.values()) {
            String text = DeployKit.read(KUBERNETES.resolve(file));
            for (JsonNode doc : DeployKit.documents(text)) {
                assertFalse(doc.path("metadata").has("namespace"), file + " must not set a namespace");
                assertFalse(doc.toString().contains("helm.sh/chart"), file);
                assertFalse(doc.toString().contains("\"Helm\""), file);
                assertFalse(doc.toString().contains("checksum/"), file);
                assertFalse(doc.at("/metadata/name").asText().isBlank(), file);
            }
        }
    }

    @Test
    void theSecretExampleHoldsPlaceholdersOnly() {
        JsonNode secret = DeployKit.parseYaml(DeployKit.read(KUBERNETES.resolve("secret.example.yaml")));
        secret.path("stringData").forEach(v -> assertTrue(v.asText().startsWith("REPLACE_WITH_"), v.asText()));
        assertEquals(2, secret.path("stringData").size());
    }
}
