package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.MonitorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.emqxclientmonitor.deploy.DeployKit.RENDERS;
import static io.emqxclientmonitor.deploy.DeployKit.TEST_VALUES;
import static io.emqxclientmonitor.deploy.HelmChartTest.contains;
import static io.emqxclientmonitor.deploy.HelmChartTest.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart with sharding.shards / sharding.replicas (src/test/resources/deploy/sharded/values-*.yaml): one
 * StatefulSet per replica index with one pod per shard, whose name's ordinal the exporter reads as its shard; a
 * headless Service the ServiceMonitor scrapes pod by pod with a replica label; the state file on a claim per pod;
 * a PodDisruptionBudget and anti-affinity. Renders go to target/helm-renders/sharded-*.yaml for the schema check.
 */
class ShardedHelmChartTest {
    private static final Path SHARDED_VALUES = TEST_VALUES.resolve("sharded");
    private static final String REPLICA_LABEL = "emqx-client-monitor.io/replica";
    private static final Map<String, List<JsonNode>> RENDERED = new TreeMap<>();
    private static final Map<String, JsonNode> VALUES = new TreeMap<>();

    @BeforeAll
    static void render() throws IOException {
        Files.createDirectories(RENDERS);
        for (Path values : valueSets()) {
            String name = values.getFileName().toString().replaceFirst("\\.yaml$", "");
            String yaml = DeployKit.template(values, Map.of());
            DeployKit.write(RENDERS.resolve("sharded-" + name.replaceFirst("^values-", "") + ".yaml"), yaml);
            RENDERED.put(name, DeployKit.documents(yaml));
            VALUES.put(name, DeployKit.parseYaml(Files.readString(values)));
        }
    }

    static List<Path> valueSets() throws IOException {
        try (Stream<Path> files = Files.list(SHARDED_VALUES)) {
            return files.filter(p -> p.getFileName().toString().matches("values-.*\\.yaml")).sorted().toList();
        }
    }

    static Stream<String> scenarios() throws IOException {
        return valueSets().stream().map(p -> p.getFileName().toString().replaceFirst("\\.yaml$", ""));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void oneStatefulSetPerReplicaWithOnePodPerShardAndNoDeployment(String scenario) {
        int shards = shards(scenario);
        int replicas = VALUES.get(scenario).at("/sharding/replicas").asInt(1);
        assertTrue(all(scenario, "Deployment").isEmpty(), scenario + ": no Deployment");
        List<JsonNode> sets = all(scenario, "StatefulSet");
        assertEquals(replicas, sets.size(), scenario);
        Set<String> replicaValues = new HashSet<>();
        for (JsonNode set : sets) {
            assertEquals(shards, set.at("/spec/replicas").asInt(), scenario + ": one pod per shard");
            assertEquals("Parallel", set.at("/spec/podManagementPolicy").asText());
            JsonNode podLabels = set.at("/spec/template/metadata/labels");
            assertTrue(contains(podLabels, set.at("/spec/selector/matchLabels")), scenario + ": selector");
            assertTrue(replicaValues.add(set.at("/spec/selector/matchLabels").path(REPLICA_LABEL).asText()),
                    scenario + ": each StatefulSet selects its own replica's pods only");
            assertEquals(headless(scenario).at("/metadata/name").asText(), set.at("/spec/serviceName").asText());
        }
        assertEquals(replicas, replicaValues.size());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyPodNameGivesTheExporterItsShard(String scenario) {
        int shards = shards(scenario);
        for (JsonNode set : all(scenario, "StatefulSet")) {
            Map<String, JsonNode> env = env(set.at("/spec/template/spec/containers/0"));
            assertEquals("auto", env.get("MONITOR_SHARD").path("value").asText());
            assertEquals(Integer.toString(shards), env.get("MONITOR_TOTAL_SHARDS").path("value").asText());
            assertEquals("metadata.name", env.get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText());
            for (int ordinal = 0; ordinal < shards; ordinal++) {
                // what the StatefulSet controller names its pods, read by the exporter's own configuration code
                String pod = set.at("/metadata/name").asText() + "-" + ordinal;
                assertTrue(pod.length() <= 63, pod);
                assertEquals(ordinal, shardOf(pod, env), pod);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theServiceMonitorScrapesEveryPodThroughTheHeadlessServiceWithAReplicaLabel(String scenario) {
        JsonNode headless = headless(scenario);
        assertEquals("None", headless.at("/spec/clusterIP").asText());
        JsonNode monitor = all(scenario, "ServiceMonitor").get(0);
        JsonNode selector = monitor.at("/spec/selector/matchLabels");
        assertTrue(contains(headless.at("/metadata/labels"), selector), scenario + ": the headless Service is scraped");
        long scraped = all(scenario, "Service").stream().filter(s -> contains(s.at("/metadata/labels"), selector)).count();
        assertEquals(1, scraped, scenario + ": only the headless Service, or every pod would be scraped twice");
        for (JsonNode set : all(scenario, "StatefulSet")) {
            assertTrue(contains(set.at("/spec/template/metadata/labels"), headless.at("/spec/selector")), scenario);
        }
        JsonNode relabel = relabeling(monitor, "replica");
        assertEquals("replica", relabel.path("targetLabel").asText());
        assertEquals("__meta_kubernetes_pod_label_emqx_client_monitor_io_replica", relabel.at("/sourceLabels/0").asText());
        JsonNode own = VALUES.get(scenario).at("/serviceMonitor/relabelings");
        assertEquals(2 + own.size(), monitor.at("/spec/endpoints/0/relabelings").size(), scenario + ": the user's relabelings kept");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theStateFileIsOnAVolumePerPodUnlessPersistenceIsOff(String scenario) {
        boolean persistent = VALUES.get(scenario).at("/sharding/persistence/enabled").asBoolean(true);
        for (JsonNode set : all(scenario, "StatefulSet")) {
            JsonNode pod = set.at("/spec/template/spec");
            boolean dataVolume = false;
            for (JsonNode volume : pod.path("volumes")) {
                dataVolume |= volume.path("name").asText().equals("data");
            }
            JsonNode claims = set.at("/spec/volumeClaimTemplates");
            if (persistent) {
                assertFalse(dataVolume, scenario + ": data comes from the claim, not an emptyDir");
                assertEquals("data", claims.at("/0/metadata/name").asText());
                assertEquals(VALUES.get(scenario).at("/sharding/persistence/size").asText("256Mi"),
                        claims.at("/0/spec/resources/requests/storage").asText());
                String storageClass = VALUES.get(scenario).at("/sharding/persistence/storageClassName").asText("");
                assertEquals(storageClass, claims.at("/0/spec/storageClassName").asText(""));
            } else {
                assertTrue(dataVolume && claims.isMissingNode(), scenario + ": emptyDir");
            }
            boolean mounted = false;
            for (JsonNode mount : pod.at("/containers/0/volumeMounts")) {
                mounted |= mount.path("name").asText().equals("data") && mount.path("mountPath").asText().equals("/app/data");
            }
            assertTrue(mounted, scenario + ": /app/data");
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void podsSpreadOverNodesAndDrainsTakeOneAtATime(String scenario) {
        for (JsonNode set : all(scenario, "StatefulSet")) {
            JsonNode term = set.at("/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
            assertEquals("kubernetes.io/hostname", term.path("topologyKey").asText(), scenario);
            assertTrue(contains(set.at("/spec/template/metadata/labels"), term.at("/labelSelector/matchLabels")));
        }
        List<JsonNode> budgets = all(scenario, "PodDisruptionBudget");
        if (VALUES.get(scenario).at("/podDisruptionBudget/enabled").asBoolean(true)) {
            assertEquals(1, budgets.size(), scenario);
            assertEquals(1, budgets.get(0).at("/spec/maxUnavailable").asInt());
            for (JsonNode set : all(scenario, "StatefulSet")) {
                assertTrue(contains(set.at("/spec/template/metadata/labels"), budgets.get(0).at("/spec/selector/matchLabels")));
            }
        } else {
            assertTrue(budgets.isEmpty(), scenario);
        }
    }

    /** Alerts are keyed by job: turning sharding on (another Service scraped) must not start new series. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void theJobLabelIsTheSameShardedOrNot(String scenario) {
        List<JsonNode> unsharded = DeployKit.documents(DeployKit.template(null, Map.of()));
        JsonNode plain = unsharded.stream().filter(d -> d.path("kind").asText().equals("ServiceMonitor")).findFirst().orElseThrow();
        String job = jobOf(plain);
        assertEquals(DeployKit.RELEASE, job, "unsharded: job is the fullname");
        assertEquals(job, jobOf(all(scenario, "ServiceMonitor").get(0)), scenario + ": job label after sharding on");
    }

    /** The job Prometheus ends up with: the last relabeling writing it (the operator's default is the Service name). */
    static String jobOf(JsonNode monitor) {
        String job = null;
        for (JsonNode r : monitor.at("/spec/endpoints/0/relabelings")) {
            if (r.path("targetLabel").asText().equals("job")) {
                assertTrue(r.path("sourceLabels").isEmpty() && r.path("action").asText("replace").equals("replace"), r.toString());
                job = r.path("replacement").asText();
            }
        }
        assertTrue(job != null, "no relabeling sets job: it would be the scraped Service's name, which sharding changes");
        return job;
    }

    static JsonNode relabeling(JsonNode monitor, String targetLabel) {
        for (JsonNode r : monitor.at("/spec/endpoints/0/relabelings")) {
            if (r.path("targetLabel").asText().equals(targetLabel)) {
                return r;
            }
        }
        throw new AssertionError("no relabeling to " + targetLabel + " in " + monitor);
    }

    /** values.yaml: the state file needs 2 x 1 KiB per client (atomic rewrite), for the 100,000 of one exporter. */
    @Test
    void theDefaultStateVolumesHoldTheStateFileOfTheDocumentedFleet() {
        long needed = 2L * 1024 * 100_000;
        List<JsonNode> unsharded = DeployKit.documents(DeployKit.template(null, Map.of()));
        JsonNode deployment = unsharded.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        long emptyDir = 0;
        for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
            if (volume.path("name").asText().equals("data")) {
                emptyDir = bytes(volume.at("/emptyDir/sizeLimit").asText());
            }
        }
        assertTrue(emptyDir >= needed, "Deployment /app/data sizeLimit " + emptyDir + " < " + needed);
        List<JsonNode> sharded = DeployKit.documents(DeployKit.template(null, Map.of("sharding.shards", 3)));
        JsonNode set = sharded.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        long claim = bytes(set.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText());
        assertTrue(claim >= needed, "StatefulSet claim " + claim + " < " + needed);
        String comment = DeployKit.read(DeployKit.CHART.resolve("values.yaml"));
        assertTrue(comment.contains("size = 2 x 1 KiB x monitored clients"), "values.yaml states the formula");
    }

    /** A Kubernetes quantity in bytes (the binary and decimal suffixes the schema allows). */
    static long bytes(String quantity) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
        assertTrue(m.matches(), quantity);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return n * switch (unit) {
            case "Ki" -> 1L << 10; case "Mi" -> 1L << 20; case "Gi" -> 1L << 30; case "Ti" -> 1L << 40;
            case "k" -> 1_000L; case "M" -> 1_000_000L; case "G" -> 1_000_000_000L; case "T" -> 1_000_000_000_000L;
            default -> 1L;
        };
    }

    /** Pods carry controller-revision-hash=<statefulset>-<hash of ~10 chars>, at most 63: names of at most 52. */
    @ParameterizedTest(name = "release {0}, fullnameOverride {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            // Helm's longest release name (53): fullname <release>-emqx-client-monitor cut at 63
            "fleet-eu-west-production-mqtt-exporters-xxxxxxxxxxxxx,''",
            // a 60-character fullname
            "fleet,fleet-eu-west-production-mqtt-exporters-xxxxxxxxxxxxxxxxxxxx"})
    void aLongNameKeepsStatefulSetNamesShortEnoughForTheRevisionLabel(String release, String fullnameOverride) {
        assertTrue(release.length() == 53 || fullnameOverride.length() == 60);
        int shards = 256;
        List<JsonNode> docs = DeployKit.documents(DeployKit.template(release, null,
                Map.of("sharding.shards", shards, "sharding.replicas", 5, "fullnameOverride", fullnameOverride)));
        Set<String> names = new HashSet<>();
        for (JsonNode set : docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).toList()) {
            String name = set.at("/metadata/name").asText();
            assertTrue(name.length() <= 52, name + ": " + name.length() + " characters");
            assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?-r[0-4]"), name);
            String lastPod = name + "-" + (shards - 1);
            assertTrue(lastPod.length() <= 63, lastPod);
            assertTrue(names.add(name), "two StatefulSets named " + name);
        }
        assertEquals(5, names.size());
        docs.stream().filter(d -> d.path("kind").asText().equals("Service"))
                .forEach(s -> assertTrue(s.at("/metadata/name").asText().length() <= 63, s.at("/metadata/name").asText()));
    }

    @Test
    void oneShardAndOneReplicaStaysTheDeployment() {
        List<JsonNode> docs = DeployKit.documents(DeployKit.template(null, Map.of("sharding.shards", 1, "sharding.replicas", 1)));
        assertEquals(1, docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).count());
        assertTrue(docs.stream().noneMatch(d -> Set.of("StatefulSet", "PodDisruptionBudget").contains(d.path("kind").asText())));
    }

    @Test
    void replicaCountZeroStopsEveryShard() {
        List<JsonNode> docs = DeployKit.documents(DeployKit.template(SHARDED_VALUES.resolve("values-three-shards.yaml"),
                Map.of("replicaCount", 0)));
        docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet"))
                .forEach(set -> assertEquals(0, set.at("/spec/replicas").asInt()));
    }

    @Test
    void theNotesSayWhereEachShardIs() {
        String notes = HelmChartTest.notes(SHARDED_VALUES.resolve("values-three-shards-two-replicas.yaml"));
        assertTrue(notes.contains("Sharded: 3 shard(s) x 2 replica(s), pods emqx-client-monitor-r<replica>-<shard>"), notes);
        assertTrue(notes.contains("port-forward pod/emqx-client-monitor-r0-<shard>"), notes);
    }

    @ParameterizedTest(name = "{0}={1} is rejected")
    @org.junit.jupiter.params.provider.CsvSource({"sharding.shards,0", "sharding.shards,257", "sharding.shards,three",
            "sharding.replicas,0", "sharding.replicas,-1", "sharding.persistence.size,lots", "sharding.shard,3",
            "podDisruptionBudget.maxUnavailable,0"})
    void wrongShardingValuesAreRejected(String key, String value) {
        Object typed = value.matches("-?[0-9]+") ? (Object) Integer.parseInt(value) : value;
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> DeployKit.template(null, Map.of(key, typed)));
        assertTrue(e.getMessage().contains("schema"), e.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static int shards(String scenario) {
        return VALUES.get(scenario).at("/sharding/shards").asInt(1);
    }

    /** The shard the exporter takes with the container's MONITOR_* settings on a pod of this name. */
    private static int shardOf(String podName, Map<String, JsonNode> env) {
        Map<String, String> properties = new HashMap<>(Map.of("emqx.url", "http://emqx:18083/api", "emqx.api.key", "k",
                "emqx.api.secret", "s", "emqx.clients", "a=a",
                "monitor.shard", env.get("MONITOR_SHARD").path("value").asText(),
                "monitor.total-shards", env.get("MONITOR_TOTAL_SHARDS").path("value").asText()));
        MonitorConfig config = new ConfigLoader(properties::get, properties.keySet())
                .environment(Map.of("POD_NAME", podName)::get).load();
        return config.shards().shard();
    }

    private static JsonNode headless(String scenario) {
        List<JsonNode> headless = all(scenario, "Service").stream()
                .filter(s -> s.at("/spec/clusterIP").asText().equals("None")).toList();
        assertEquals(1, headless.size(), scenario + ": one headless Service");
        return headless.get(0);
    }

    private static List<JsonNode> all(String scenario, String kind) {
        return RENDERED.get(scenario).stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }
}
