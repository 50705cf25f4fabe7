package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.emqxclientmonitor.deploy.DeployKit.CAMEL_K;
import static io.emqxclientmonitor.deploy.DeployKit.KUBERNETES;
import static io.emqxclientmonitor.deploy.DeployKit.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/camel-k/integration.yaml: a self-managed (kit-less) Camel K Integration consistent with the plain
 * manifests it relies on (Secret and ConfigMap of deploy/kubernetes) and with the chart's container settings.
 * The CRD schema itself is checked by {@link CamelKCrdTest}.
 */
class CamelKIntegrationTest {

    static JsonNode integration;
    static Map<String, String> vars;

    @BeforeAll
    static void load() {
        integration = DeployKit.parseYaml(DeployKit.read(CAMEL_K.resolve("integration.yaml")));
        vars = new LinkedHashMap<>();
        for (JsonNode v : integration.at("/spec/traits/environment/vars")) {
            String[] kv = v.asText().split("=", 2);
            vars.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
    }

    @Test
    void isAKitLessIntegration() {
        assertEquals("camel.apache.org/v1", integration.path("apiVersion").asText());
        assertEquals("Integration", integration.path("kind").asText());
        assertEquals("emqx-client-monitor", integration.at("/metadata/name").asText());
        assertFalse(integration.at("/spec/traits/container/image").asText().isBlank(), "container.image (kamel run --image)");
        assertTrue(integration.at("/spec/sources").isMissingNode() && integration.at("/spec/flows").isMissingNode(),
                "a self-managed image has no sources or flows for the operator to build");
        assertEquals(1, integration.at("/spec/replicas").asInt());
    }

    @Test
    void containerMatchesTheImageAndTheChart() {
        JsonNode container = integration.at("/spec/traits/container");
        assertEquals(9671, container.path("port").asInt());
        assertEquals("http", container.path("portName").asText());
        assertEquals(65532, container.path("runAsUser").asInt());
        assertTrue(container.path("runAsNonRoot").asBoolean());
        assertFalse(container.path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("[\"ALL\"]", container.path("capabilitiesDrop").toString());
        JsonNode health = integration.at("/spec/traits/health");
        assertTrue(health.path("enabled").asBoolean());
        assertEquals("/-/healthy", health.path("livenessProbe").asText());
        assertEquals("/-/ready", health.path("readinessProbe").asText());
        assertTrue(vars.get("JAVA_OPTS").startsWith("-Dcamel.server.port=9671 "), vars.get("JAVA_OPTS"));
        vars.keySet().forEach(k -> assertFalse(k.endsWith("_PORT") || k.contains("_PORT_"), k + " would be ignored"));
        List<String> emptyDirs = DeployKit.YAML.convertValue(integration.at("/spec/traits/mount/emptyDirs"), List.class);
        assertTrue(emptyDirs.contains("data:/app/data") && emptyDirs.contains("tmp:/tmp"), emptyDirs.toString());
        JsonNode podContainer = integration.at("/spec/template/spec/containers/0");
        assertEquals("integration", podContainer.path("name").asText(), "the operator's container is named integration");
        assertTrue(podContainer.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    }

    @Test
    void credentialsAndClientsComeFromThePlainManifests() {
        JsonNode secret = DeployKit.parseYaml(DeployKit.read(KUBERNETES.resolve("secret.example.yaml")));
        JsonNode configMap = DeployKit.parseYaml(DeployKit.read(KUBERNETES.resolve("configmap.yaml")));
        Map<String, JsonNode> env = new LinkedHashMap<>();
        integration.at("/spec/template/spec/containers/0/env").forEach(e -> env.put(e.path("name").asText(), e));
        for (String name : List.of("EMQX_API_KEY", "EMQX_API_SECRET")) {
            JsonNode ref = env.get(name).at("/valueFrom/secretKeyRef");
            assertEquals(secret.at("/metadata/name").asText(), ref.path("name").asText(), name);
            assertTrue(secret.path("stringData").has(ref.path("key").asText()), name + " key " + ref.path("key"));
        }
        String resource = integration.at("/spec/traits/mount/resources/0").asText();
        assertEquals("configmap:" + configMap.at("/metadata/name").asText() + "@/app/config", resource);
        String clientsFile = vars.get("EMQX_CLIENTS_FILE");
        assertTrue(clientsFile.startsWith("/app/config/"), clientsFile);
        assertTrue(configMap.path("data").has(clientsFile.substring("/app/config/".length())), clientsFile);
    }

    @Test
    void serviceMonitorSelectsTheIntegrationsService() {
        JsonNode monitor = DeployKit.parseYaml(DeployKit.read(CAMEL_K.resolve("servicemonitor.yaml")));
        assertEquals("ServiceMonitor", monitor.path("kind").asText());
        assertEquals(integration.at("/metadata/name").asText(),
                monitor.at("/spec/selector/matchLabels/camel.apache.org~1integration").asText());
        assertEquals(integration.at("/spec/traits/container/servicePortName").asText(), monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertFalse(monitor.at("/metadata/labels/release").asText().isBlank());
    }

    @Test
    void theReferencedKameletIsAKameletResource() {
        Path kamelet = ROOT.resolve("kamelets/emqx-clients-source.kamelet.yaml");
        assertTrue(DeployKit.read(CAMEL_K.resolve("README.md")).contains("kamelets/emqx-clients-source.kamelet.yaml"));
        assumeTrue(Files.isRegularFile(kamelet), "the Kamelet is not written yet");
        JsonNode doc = DeployKit.parseYaml(DeployKit.read(kamelet));
        // what `kubectl apply -f kamelets/emqx-clients-source.kamelet.yaml` (README) needs
        assertEquals("camel.apache.org/v1", doc.path("apiVersion").asText());
        assertEquals("Kamelet", doc.path("kind").asText());
        assertEquals("emqx-clients-source", doc.at("/metadata/name").asText());
        assertEquals("source", doc.at("/metadata/labels/camel.apache.org~1kamelet.type").asText());
        assertTrue(doc.at("/spec/definition/properties").isObject(), "spec.definition.properties");
    }
}
