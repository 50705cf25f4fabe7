package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.emqxclientmonitor.deploy.DeployKit.ALERTS;
import static io.emqxclientmonitor.deploy.DeployKit.CHART;
import static io.emqxclientmonitor.deploy.DeployKit.RENDERS;
import static io.emqxclientmonitor.deploy.DeployKit.TEST_VALUES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart, rendered and linted by real Helm (helm-java) inside the JVM: strict lint, every value set in
 * src/test/resources/deploy/values-*.yaml renders to consistent Kubernetes objects (written to
 * target/helm-renders/ for the npm schema validation in .ci/run), and values.schema.json rejects wrong values.
 */
class HelmChartTest {

    /** Rendered documents per value set (file name without .yaml). */
    static final Map<String, List<JsonNode>> RENDERED = new TreeMap<>();

    @BeforeAll
    static void renderEveryValueSet() throws IOException {
        Files.createDirectories(RENDERS);
        for (Path values : valueSets()) {
            String name = values.getFileName().toString().replaceFirst("\\.yaml$", "");
            String yaml = DeployKit.template(values, Map.of());
            // target/helm-renders/defaults.yaml etc. (a values-*.yaml name would be skipped by validate.mjs)
            DeployKit.write(RENDERS.resolve(name.replaceFirst("^values-", "") + ".yaml"), yaml);
            RENDERED.put(name, DeployKit.documents(yaml));
        }
    }

    static List<Path> valueSets() throws IOException {
        try (Stream<Path> files = Files.list(TEST_VALUES)) {
            return files.filter(p -> p.getFileName().toString().matches("values-.*\\.yaml")).sorted().toList();
        }
    }

    static Stream<String> scenarios() throws IOException {
        return valueSets().stream().map(p -> p.getFileName().toString().replaceFirst("\\.yaml$", ""));
    }

    // ---- lint ----------------------------------------------------------------------------------------------

    @Test
    void lintStrictPasses() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
        for (String message : result.getMessages()) {
            assertFalse(message.contains("[WARNING]") || message.contains("[ERROR]"), message);
        }
    }

    @Test
    void theExpectedValueSetsExist() {
        assertTrue(RENDERED.keySet().containsAll(Set.of("values-defaults", "values-existing-secret",
                "values-several-brokers", "values-minimal")), RENDERED.keySet().toString());
    }

    // ---- every value set -----------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyDocumentHasApiVersionKindAndName(String scenario) {
        List<JsonNode> docs = RENDERED.get(scenario);
        assertFalse(docs.isEmpty(), scenario);
        Set<String> seen = new TreeSet<>();
        for (JsonNode doc : docs) {
            String id = doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText();
            assertFalse(doc.path("apiVersion").asText().isBlank(), scenario + ": apiVersion of " + doc);
            assertFalse(doc.path("kind").asText().isBlank(), scenario + ": kind of " + doc);
            String name = doc.at("/metadata/name").asText();
            assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63,
                    scenario + ": metadata.name " + name);
            assertTrue(seen.add(id), scenario + ": duplicate " + id);
            assertEquals("Helm", doc.at("/metadata/labels/app.kubernetes.io~1managed-by").asText(), scenario + " " + id);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void deploymentIsHardened(String scenario) {
        JsonNode pod = one(scenario, "Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertEquals(1, pod.path("containers").size());
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), scenario);
        assertEquals(65532, pod.at("/securityContext/runAsUser").asInt(), scenario);
        assertEquals(65532, pod.at("/securityContext/runAsGroup").asInt(), scenario);
        assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), scenario);
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), scenario);
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean(), scenario);
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), scenario);
        assertEquals("[\"ALL\"]", container.at("/securityContext/capabilities/drop").toString(), scenario);
        Map<String, String> mounts = new TreeMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        Map<String, JsonNode> volumes = new TreeMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        for (String writable : List.of("/app/data", "/tmp")) {
            assertTrue(mounts.containsKey(writable), scenario + ": " + writable + " must be mounted");
            assertTrue(volumes.get(mounts.get(writable)).has("emptyDir"), scenario + ": " + writable + " emptyDir");
        }
        mounts.values().forEach(v -> assertTrue(volumes.containsKey(v), scenario + ": volume " + v + " is mounted but not defined"));
        assertTrue(container.at("/resources/limits/memory").isTextual(), scenario + ": memory limit");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void portsAreSetThroughJavaOptsNotThroughPortVariables(String scenario) {
        JsonNode container = one(scenario, "Deployment").at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = env(container);
        for (String name : env.keySet()) {
            // camel-main ignores environment variables ending in _PORT or containing _PORT_
            assertFalse(name.endsWith("_PORT") || name.contains("_PORT_"), scenario + ": " + name + " would be ignored");
        }
        int port = container.at("/ports/0/containerPort").asInt();
        assertEquals("http", container.at("/ports/0/name").asText());
        assertTrue(env.get("JAVA_OPTS").path("value").asText().startsWith("-Dcamel.server.port=" + port + " "),
                scenario + ": JAVA_OPTS " + env.get("JAVA_OPTS"));
        env.values().forEach(e -> assertTrue(e.has("valueFrom") || e.path("value").isTextual(),
                scenario + ": env values must be strings: " + e));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void probesUseTheHealthEndpoints(String scenario) {
        JsonNode container = one(scenario, "Deployment").at("/spec/template/spec/containers/0");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (container.has(probe)) {
                assertEquals("http", container.at("/" + probe + "/httpGet/port").asText(), scenario + " " + probe);
                assertEquals(probe.equals("readinessProbe") ? "/-/ready" : "/-/healthy",
                        container.at("/" + probe + "/httpGet/path").asText(), scenario + " " + probe);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void objectsReferToEachOther(String scenario) {
        JsonNode deployment = one(scenario, "Deployment");
        JsonNode pod = deployment.at("/spec/template");
        JsonNode podLabels = pod.at("/metadata/labels");
        assertTrue(contains(podLabels, deployment.at("/spec/selector/matchLabels")), scenario + ": Deployment selector");

        JsonNode service = one(scenario, "Service");
        assertTrue(contains(podLabels, service.at("/spec/selector")), scenario + ": Service selector");
        assertEquals("http", service.at("/spec/ports/0/targetPort").asText(), scenario);

        for (JsonNode monitor : all(scenario, "ServiceMonitor")) {
            assertTrue(contains(service.at("/metadata/labels"), monitor.at("/spec/selector/matchLabels")),
                    scenario + ": ServiceMonitor selector must match the Service");
            assertEquals(service.at("/spec/ports/0/name").asText(), monitor.at("/spec/endpoints/0/port").asText());
            assertEquals("/metrics", monitor.at("/spec/endpoints/0/path").asText());
            assertTrue(monitor.at("/spec/endpoints/0/interval").isTextual(), "interval must be a duration string");
            assertFalse(monitor.at("/metadata/labels/release").asText().isBlank(),
                    scenario + ": kube-prometheus-stack selects ServiceMonitors by the release label");
        }
        for (JsonNode policy : all(scenario, "NetworkPolicy")) {
            assertTrue(contains(podLabels, policy.at("/spec/podSelector/matchLabels")), scenario + ": NetworkPolicy");
        }

        String account = pod.at("/spec/serviceAccountName").asText();
        if (!account.equals("default")) {
            assertTrue(all(scenario, "ServiceAccount").stream().anyMatch(a -> a.at("/metadata/name").asText().equals(account)),
                    scenario + ": ServiceAccount " + account);
        }

        // every secretKeyRef points at a key of the rendered Secret (unless the Secret exists outside the chart)
        Map<String, JsonNode> env = env(pod.at("/spec/containers/0"));
        Map<String, JsonNode> secrets = byName(all(scenario, "Secret"));
        for (JsonNode e : env.values()) {
            JsonNode ref = e.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode() && secrets.containsKey(ref.path("name").asText())) {
                assertTrue(secrets.get(ref.path("name").asText()).path("stringData").has(ref.path("key").asText()),
                        scenario + ": Secret key " + ref);
            }
        }
        // every configMap volume is rendered (or an existing one was named), and every file the
        // environment points at in /app/config is a key of the mounted ConfigMap
        Map<String, JsonNode> configMaps = byName(all(scenario, "ConfigMap"));
        for (JsonNode volume : pod.at("/spec/volumes")) {
            if (volume.has("configMap")) {
                assertTrue(configMaps.containsKey(volume.at("/configMap/name").asText()),
                        scenario + ": ConfigMap " + volume.at("/configMap/name").asText());
            }
        }
        JsonNode config = configMaps.get(deployment.at("/metadata/name").asText());
        assertNotNull(config, scenario + ": the ConfigMap with the monitored clients");
        for (Map.Entry<String, JsonNode> e : env.entrySet()) {
            String value = e.getValue().path("value").asText();
            if (value.startsWith("/app/config/")) {
                assertTrue(config.path("data").has(value.substring("/app/config/".length())),
                        scenario + ": " + e.getKey() + "=" + value + " is not in the ConfigMap");
            }
        }
        for (Map.Entry<String, JsonNode> file : iterable(config.path("data"))) {
            if (file.getKey().startsWith("clients-")) {
                JsonNode clients = DeployKit.parseYaml(file.getValue().asText());
                assertTrue(clients.path("monitored_clients").isArray(), scenario + ": " + file.getKey());
                clients.path("monitored_clients").forEach(c -> {
                    assertTrue(c.path("alias").isTextual() && c.path("client_id").isTextual(), c.toString());
                });
            }
        }
    }

    // ---- value sets in detail ------------------------------------------------------------------------------

    @Test
    void defaultsRenderTheFullSet() {
        assertEquals(List.of("ConfigMap", "Deployment", "NetworkPolicy", "PrometheusRule", "Secret", "Service",
                "ServiceAccount", "ServiceMonitor"), kinds("values-defaults"));
        Map<String, JsonNode> env = env(one("values-defaults", "Deployment").at("/spec/template/spec/containers/0"));
        assertEquals("http://emqx:18083/api", env.get("EMQX_URL").path("value").asText());
        assertEquals("emqx", env.get("EMQX_ALIAS").path("value").asText());
        assertEquals("emqx-client-monitor", env.get("EMQX_API_KEY").at("/valueFrom/secretKeyRef/name").asText());
        assertEquals("emqx-api-key", env.get("EMQX_API_KEY").at("/valueFrom/secretKeyRef/key").asText());
        assertEquals("emqx-api-secret", env.get("EMQX_API_SECRET").at("/valueFrom/secretKeyRef/key").asText());
        assertEquals("/app/config/clients-emqx.yaml", env.get("EMQX_CLIENTS_FILE").path("value").asText());
        assertEquals("/app/data/state.json", env.get("MONITOR_STATE_FILE").path("value").asText());
        assertFalse(env.containsKey("EMQX_BROKERS"));
        assertEquals("false", env.get("METRICS_ENABLE_QOS_SPLIT").path("value").asText());
        assertEquals("true", env.get("METRICS_ENABLE_PROCESSED_COUNTERS").path("value").asText());
        assertEquals("kube-prometheus-stack", one("values-defaults", "ServiceMonitor").at("/metadata/labels/release").asText());
        assertEquals("kube-prometheus-stack", one("values-defaults", "PrometheusRule").at("/metadata/labels/release").asText());
        assertFalse(one("values-defaults", "ServiceMonitor").at("/metadata").has("namespace"));

        JsonNode policy = one("values-defaults", "NetworkPolicy").path("spec");
        assertEquals("[\"monitoring\"]", policy.at("/ingress/0/from/0/namespaceSelector/matchExpressions/0/values").toString());
        assertEquals(18083, policy.at("/egress/0/ports/0/port").asInt());
        assertEquals(53, policy.at("/egress/1/ports/0/port").asInt());
        assertEquals("Recreate", one("values-defaults", "Deployment").at("/spec/strategy/type").asText());
    }

    @Test
    void thePrometheusRuleCarriesAlertsYamlUnchanged() {
        JsonNode rendered = one("values-defaults", "PrometheusRule").path("spec");
        JsonNode source = DeployKit.parseYaml(DeployKit.read(ALERTS));
        assertEquals(source, rendered, "the PrometheusRule spec must be deploy/prometheus/alerts.yaml");
        assertTrue(rendered.toString().contains("{{ $labels.client_id }}"), "annotation templates must survive");
    }

    @Test
    void existingSecretIsReferencedAndNotCreated() {
        assertTrue(all("values-existing-secret", "Secret").isEmpty());
        JsonNode deployment = one("values-existing-secret", "Deployment");
        Map<String, JsonNode> env = env(deployment.at("/spec/template/spec/containers/0"));
        assertEquals("emqx-api-credentials", env.get("EMQX_API_KEY").at("/valueFrom/secretKeyRef/name").asText());
        assertEquals("emqx-api-credentials", env.get("EMQX_API_SECRET").at("/valueFrom/secretKeyRef/name").asText());
        assertEquals("home", env.get("EMQX_ALIAS").path("value").asText());
        assertFalse(deployment.at("/spec/template/metadata/annotations").has("checksum/secret"));
        JsonNode clients = DeployKit.parseYaml(one("values-existing-secret", "ConfigMap").at("/data/clients-emqx.yaml").asText());
        assertEquals("qingping-DEADBEEF5678", clients.at("/monitored_clients/1/client_id").asText());
        assertEquals("QingpingCO2_Room2", clients.at("/monitored_clients/1/alias").asText());
    }

    @Test
    void severalBrokersUsePerBrokerProperties() {
        JsonNode deployment = one("values-several-brokers", "Deployment");
        Map<String, JsonNode> env = env(deployment.at("/spec/template/spec/containers/0"));
        assertEquals("eu,us", env.get("EMQX_BROKERS").path("value").asText());
        assertFalse(env.containsKey("EMQX_URL"), "no single-broker properties in several-broker mode");
        assertFalse(env.containsKey("EMQX_API_SECRET"));
        assertEquals("https://emqx-eu.example.com:18083/api", env.get("EMQX_BROKER_EU_URL").path("value").asText());
        assertEquals("emqx-eu", env.get("EMQX_BROKER_EU_ALIAS").path("value").asText());
        assertEquals("us", env.get("EMQX_BROKER_US_ALIAS").path("value").asText(), "alias defaults to the name");
        assertEquals("10", env.get("EMQX_BROKER_EU_TIMEOUT_SECONDS").path("value").asText());
        assertEquals("2", env.get("EMQX_BROKER_EU_ATTEMPTS").path("value").asText());
        assertEquals("eu-api-secret", env.get("EMQX_BROKER_EU_API_SECRET").at("/valueFrom/secretKeyRef/key").asText());
        assertEquals("us-api-key", env.get("EMQX_BROKER_US_API_KEY").at("/valueFrom/secretKeyRef/key").asText());
        assertEquals("/app/config/ca-eu.pem", env.get("EMQX_BROKER_EU_TLS_CA_BUNDLE").path("value").asText());
        assertFalse(env.containsKey("EMQX_BROKER_US_TLS_CA_BUNDLE"));
        assertEquals("/app/config/clients-us.yaml", env.get("EMQX_BROKER_US_CLIENTS_FILE").path("value").asText());

        JsonNode secret = one("values-several-brokers", "Secret").path("stringData");
        assertEquals("eu-secret", secret.path("eu-api-secret").asText());
        assertEquals("us-key", secret.path("us-api-key").asText());

        JsonNode data = one("values-several-brokers", "ConfigMap").path("data");
        assertTrue(data.path("ca-eu.pem").asText().startsWith("-----BEGIN CERTIFICATE-----"));
        JsonNode eu = DeployKit.parseYaml(data.path("clients-eu.yaml").asText());
        assertEquals(2, eu.path("monitored_clients").size());
        assertEquals("plc-eu-0002", eu.at("/monitored_clients/1/client_id").asText());

        JsonNode egress = one("values-several-brokers", "NetworkPolicy").at("/spec/egress");
        assertEquals("203.0.113.10/32", egress.at("/0/to/0/ipBlock/cidr").asText());
        assertFalse(egress.at("/0/to/0").has("namespaceSelector"), "ipBlock peers have no selectors");
        assertEquals("emqx", egress.at("/1/to/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText());
    }

    @Test
    void optionalObjectsCanAllBeSwitchedOff() {
        assertEquals(List.of("ConfigMap", "Deployment", "Secret", "Service"), kinds("values-minimal"));
        JsonNode pod = one("values-minimal", "Deployment").at("/spec/template/spec");
        assertEquals("default", pod.path("serviceAccountName").asText());
        assertFalse(pod.at("/containers/0").has("livenessProbe"));
        assertEquals("monitored_clients: []",
                one("values-minimal", "ConfigMap").at("/data/clients-emqx.yaml").asText().trim());
    }

    @Test
    void everyOptionRenders() {
        String s = "values-all-options";
        JsonNode deployment = one(s, "Deployment");
        JsonNode pod = deployment.at("/spec/template/spec");
        assertEquals("registry.example.com/iot/emqx-client-monitor:1.2.3", pod.at("/containers/0/image").asText());
        assertEquals("registry-credentials", pod.at("/imagePullSecrets/0/name").asText());
        Map<String, String> mounts = new TreeMap<>();
        pod.at("/containers/0/volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertEquals("routes", mounts.get("/app/routes"));
        assertEquals("extra", mounts.get("/app/extra"));
        JsonNode routes = byName(all(s, "ConfigMap")).get("emqx-client-monitor-routes");
        assertNotNull(routes, "routes ConfigMap");
        assertTrue(routes.at("/data/landing-page.yaml").asText().contains("custom landing page"));
        assertTrue(deployment.at("/spec/template/metadata/annotations").has("checksum/routes"));
        Map<String, JsonNode> env = env(pod.at("/containers/0"));
        assertEquals("extra=extra-client-01", env.get("EMQX_CLIENTS").path("value").asText());
        assertEquals("true", env.get("EMQX_TLS_INSECURE").path("value").asText());
        assertEquals("30", env.get("MONITOR_POLL_INTERVAL_SECONDS").path("value").asText());

        JsonNode monitor = one(s, "ServiceMonitor");
        assertEquals("prometheus", monitor.at("/metadata/namespace").asText());
        assertEquals("monitoring", monitor.at("/spec/namespaceSelector/matchNames/0").asText());
        assertEquals(5000, monitor.at("/spec/sampleLimit").asInt());
        assertEquals("cluster", ShardedHelmChartTest.relabeling(monitor, "cluster").path("targetLabel").asText());

        JsonNode rule = one(s, "PrometheusRule");
        List<String> alerts = new ArrayList<>();
        rule.at("/spec/groups").forEach(g -> g.path("rules").forEach(r -> {
            alerts.add(r.path("alert").asText());
            if (!r.path("alert").asText().equals("EmqxClientSilent")) {
                assertEquals("page", r.at("/labels/severity").asText(), "additionalRuleLabels override severity");
                assertEquals("iot", r.at("/labels/team").asText());
            }
        }));
        assertEquals(List.of("EmqxClientDisconnectedTooLong", "EmqxClientMonitorBrokerUnreachable",
                "EmqxClientMonitorPollStale", "EmqxClientMonitorShardsDisagree", "EmqxClientMonitorShardMissing", "EmqxClientMonitorAbsent",
                "EmqxClientSilent"), alerts);
        assertTrue(rule.toString().contains("{{ $labels.alias }} published nothing"), "extra rule annotations untouched");

        JsonNode policy = one(s, "NetworkPolicy").path("spec");
        assertEquals("prometheus", policy.at("/ingress/0/from/0/podSelector/matchLabels/app.kubernetes.io~1name").asText());
        assertEquals(443, policy.at("/egress/2/ports/0/port").asInt());
        assertEquals(9100, one(s, "Service").at("/spec/ports/0/port").asInt());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void notesRender(String scenario) {
        String notes = notes(TEST_VALUES.resolve(scenario + ".yaml"));
        assertTrue(notes.contains("kubectl --namespace monitoring port-forward service/emqx-client-monitor"), notes);
        if (scenario.equals("values-defaults")) {
            assertTrue(notes.contains("WARNING: brokers[emqx] has no apiKey/apiSecret"), notes);
        }
        if (scenario.equals("values-existing-secret")) {
            assertTrue(notes.contains("existing Secret emqx-api-credentials") && notes.contains("emqx-api-key"), notes);
        }
        if (scenario.equals("values-several-brokers")) {
            assertTrue(notes.contains("emqx-eu: https://emqx-eu.example.com:18083/api (2 monitored clients)"), notes);
            assertFalse(notes.contains("WARNING"), notes);
        }
    }

    /** NOTES.txt as `helm install --dry-run=client` prints it. */
    static String notes(Path values) {
        return new Helm(CHART).install().withName(DeployKit.RELEASE).withNamespace(DeployKit.NAMESPACE)
                .withKubeVersion(DeployKit.KUBE_VERSION).clientOnly().dryRun().withValuesFile(values)
                .call().getOutput();
    }

    // ---- values.schema.json and template checks reject wrong values --------------------------------------

    static Stream<Arguments> wrongValues() {
        return Stream.of(
                Arguments.of("replicaCount", 2, "maximum"),
                Arguments.of("replicaCount", "one", "replicaCount"),
                Arguments.of("image.pullPolicy", "Sometimes", "pullPolicy"),
                Arguments.of("image.repository", "", "repository"),
                Arguments.of("serviceMonitor.interval", 30, "interval"),
                Arguments.of("serviceMonitor.interval", "30 seconds", "interval"),
                Arguments.of("brokers[0].name", "EU-West", "name"),
                Arguments.of("brokers[0].url", "emqx:18083", "url"),
                Arguments.of("brokers[0].monitoredClients[0].client_id", "null", "client_id"),
                Arguments.of("brokers[0].timeoutSeconds", 0, "timeoutSeconds"),
                Arguments.of("metrics.enableQosSplit", "yes", "enableQosSplit"),
                Arguments.of("containerPort", 80, "containerPort"),
                Arguments.of("prometheusRule.disabledAlerts[0]", "NoSuchAlert", "disabledAlerts"),
                Arguments.of("networkPolicy.emqxEndpoints[0].ports[0].protocol", "HTTP", "protocol"),
                Arguments.of("credentials.existingSecret", "Not_A_Name", "existingSecret"),
                Arguments.of("unknownKey", "x", "unknownKey"),
                Arguments.of("brokers", "null", "brokers"));
    }

    @ParameterizedTest(name = "{0}={1} is rejected")
    @MethodSource("wrongValues")
    void wrongValuesAreRejected(String key, Object value, String mentioned) {
        Exception e = assertThrows(Exception.class, () -> DeployKit.template(null, Map.of(key, value)));
        assertTrue(e.getMessage().contains("schema"), e.getMessage());
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    }

    @Test
    void duplicateBrokerNamesAndClientsAreRejected() throws IOException {
        Path values = Files.createTempFile("values-duplicates", ".yaml");
        try {
            Files.writeString(values, """
                    brokers:
                      - name: eu
                        url: http://a:18083/api
                      - name: eu
                        url: http://b:18083/api
                    """);
            Exception e = assertThrows(Exception.class, () -> DeployKit.template(values, Map.of()));
            assertTrue(e.getMessage().contains("the name \"eu\" is used more than once"), e.getMessage());
            Files.writeString(values, """
                    brokers:
                      - name: eu
                        url: http://a:18083/api
                        monitoredClients:
                          - {alias: a, client_id: same}
                          - {alias: b, client_id: same}
                    """);
            e = assertThrows(Exception.class, () -> DeployKit.template(values, Map.of()));
            assertTrue(e.getMessage().contains("the client_id \"same\" is listed more than once"), e.getMessage());
        } finally {
            Files.deleteIfExists(values);
        }
    }

    @Test
    void plainHelmTemplateRendersTheDefaults() {
        // `helm template` as a user runs it: no values, no --kube-version (Helm assumes v1.20)
        String yaml = new Helm(CHART).template().withName(DeployKit.RELEASE).withNamespace(DeployKit.NAMESPACE).call();
        assertEquals(RENDERED.get("values-defaults"), DeployKit.documents(yaml));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static List<JsonNode> all(String scenario, String kind) {
        return RENDERED.get(scenario).stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode one(String scenario, String kind) {
        List<JsonNode> docs = all(scenario, kind);
        assertEquals(1, docs.size(), scenario + ": one " + kind + " expected");
        return docs.get(0);
    }

    static List<String> kinds(String scenario) {
        return RENDERED.get(scenario).stream().map(d -> d.path("kind").asText()).sorted().toList();
    }

    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            assertTrue(env.put(e.path("name").asText(), e) == null, "duplicate env " + e.path("name").asText());
        }
        return env;
    }

    static Map<String, JsonNode> byName(List<JsonNode> docs) {
        return docs.stream().collect(Collectors.toMap(d -> d.at("/metadata/name").asText(), d -> d));
    }

    static boolean contains(JsonNode labels, JsonNode selector) {
        if (selector == null || selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        Predicate<Map.Entry<String, JsonNode>> matches = e -> labels.path(e.getKey()).asText().equals(e.getValue().asText());
        return iterable(selector).stream().allMatch(matches);
    }

    static List<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        object.fields().forEachRemaining(entries::add);
        return entries;
    }
}
