package io.emqxclientmonitor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.EventFeedConfig;
import io.emqxclientmonitor.config.KnownSettings;
import io.emqxclientmonitor.config.MonitorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.emqxclientmonitor.deploy.DeployKit.TEST_VALUES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's pattern (brokers[].clients, monitor.maxClients / forgetAfter) and event feed values
 * (brokers[].events): rendered into the container's environment, then read by the exporter's own ConfigLoader,
 * so a variable the exporter does not know (a typo in the chart) or a value it reads otherwise fails here.
 */
class HelmPatternsAndEventsTest {
    private static final Path VALUES = TEST_VALUES.resolve("features/values-patterns-events.yaml");
    /** Set by the chart for the container or the JVM, not exporter settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("JAVA_OPTS", "CAMEL_SERVER_HOST", "POD_NAME");

    @Test
    void patternsAndBoundsReachTheExporter(@TempDir Path config) throws Exception {
        Map<String, String> properties = properties(DeployKit.template(VALUES, Map.of()), config);
        MonitorConfig loaded = new ConfigLoader(properties::get, properties.keySet()).load();
        BrokerConfig eu = loaded.brokers().stream().filter(b -> b.name().equals("eu")).findFirst().orElseThrow();
        assertEquals("qingping-", eu.pattern().like());
        assertEquals("sensor-7", eu.pattern().aliasOf("qingping-sensor-7"));
        assertEquals("^qingping-(?<alias>.+)$", eu.pattern().regex().pattern(), "the regex as written, $ and all");
        assertEquals(50_000, eu.pattern().maxClients());
        assertEquals(Duration.ofHours(36), eu.pattern().forgetAfter());
        BrokerConfig us = loaded.brokers().stream().filter(b -> b.name().equals("us")).findFirst().orElseThrow();
        assertFalse(us.pattern().configured(), "us sets no pattern and must not inherit eu's");
        assertEquals(1, us.clients().size());
    }

    @Test
    void theEventFeedsReachTheExporterWithTheirSecretsFromTheSecret(@TempDir Path config) throws Exception {
        Map<String, String> properties = properties(DeployKit.template(VALUES, Map.of()), config);
        EventFeedConfig eu = EventFeedConfig.load("eu", properties::get, k -> k);
        assertEquals("ssl://emqx-eu.emqx.svc:8883", eu.mqttUrl().toString());
        assertEquals("emqx-client-monitor", eu.mqttUsername());
        assertEquals("mqtt-secret", eu.mqttPassword());
        assertEquals(config.resolve("ca-eu.pem"), eu.mqttCaFile(), "ssl:// trusts the broker's tls.caBundle");
        assertFalse(eu.mqttInsecure());
        assertFalse(eu.webhookEnabled());
        assertEquals(EventFeedConfig.DEFAULT_TOPIC, eu.mqttTopic());
        EventFeedConfig us = EventFeedConfig.load("us", properties::get, k -> k);
        assertTrue(us.webhookEnabled());
        assertEquals("a-long-random-token-for-the-test", us.webhookToken());
        assertFalse(us.mqttEnabled());
    }

    @Test
    void theDefaultsLeavePatternsAndFeedsOffWithTheExportersOwnBounds(@TempDir Path config) throws Exception {
        Map<String, String> properties = properties(DeployKit.template(null, Map.of()), config);
        properties.put("emqx.api.key", "k"); // the defaults' Secret holds empty credentials
        properties.put("emqx.api.secret", "s");
        MonitorConfig loaded = new ConfigLoader(properties::get, properties.keySet()).load();
        BrokerConfig broker = loaded.brokers().get(0);
        assertFalse(broker.pattern().configured());
        assertEquals(10_000, broker.pattern().maxClients());
        assertEquals(Duration.ofDays(3), broker.pattern().forgetAfter());
        assertFalse(EventFeedConfig.load("default", properties::get, k -> k).enabled());
    }

    /** The kubelet expands $(NAME) in env values: a regex or topic with "$(" must reach the exporter as written. */
    @Test
    void dollarsInPatternsAndTopicsAreEscapedForTheKubelet() {
        List<JsonNode> docs = DeployKit.documents(DeployKit.template(VALUES, Map.of(
                "brokers[0].clients.pattern", "^a$(HOSTNAME)", "brokers[0].events.mqtt.topic", "$share/g/$(x)")));
        Map<String, JsonNode> env = HelmChartTest.env(kind(docs, "Deployment").at("/spec/template/spec/containers/0"));
        assertEquals("^a$$(HOSTNAME)", env.get("EMQX_BROKER_EU_CLIENTS_PATTERN").path("value").asText());
        assertEquals("$$share/g/$$(x)", env.get("EMQX_BROKER_EU_EVENTS_MQTT_TOPIC").path("value").asText());
    }

    @Test
    void aWebhookWithoutATokenIsRefusedAtRender() {
        Exception e = assertThrows(Exception.class, () -> DeployKit.template(VALUES, Map.of("brokers[1].events.webhook.token", "")));
        assertTrue(e.getMessage().contains("brokers[us].events.webhook.token"), e.getMessage());
    }

    @Test
    void aNonMqttFeedUrlIsRejectedByTheSchema() {
        Exception e = assertThrows(Exception.class, () -> DeployKit.template(VALUES,
                Map.of("brokers[0].events.mqtt.url", "http://emqx:18083")));
        assertTrue(e.getMessage().contains("schema"), e.getMessage());
    }

    /**
     * The exporter's properties as camel-main would see them in the rendered pod: every variable mapped back to
     * its key (an unknown one fails), secretKeyRefs resolved from the rendered Secret, the ConfigMap's files
     * written to {@code config} in place of /app/config.
     */
    static Map<String, String> properties(String yaml, Path config) throws Exception {
        List<JsonNode> docs = DeployKit.documents(yaml);
        JsonNode secret = kind(docs, "Secret").path("stringData");
        kind(docs, "ConfigMap").path("data").fields().forEachRemaining(f -> DeployKit.write(config.resolve(f.getKey()), f.getValue().asText()));
        JsonNode container = kind(docs, "Deployment").at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = HelmChartTest.env(container);
        String brokers = env.containsKey("EMQX_BROKERS") ? env.get("EMQX_BROKERS").path("value").asText() : "";
        Map<String, String> byEnv = KnownSettings.byEnvName(KnownSettings.brokerNames(brokers));
        Map<String, String> properties = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : env.entrySet()) {
            if (NOT_SETTINGS.contains(e.getKey())) {
                continue;
            }
            String key = byEnv.get(e.getKey());
            assertTrue(key != null, "the chart sets " + e.getKey() + ", which the exporter does not know");
            JsonNode ref = e.getValue().at("/valueFrom/secretKeyRef");
            // the kubelet turns $$ into $ (and would expand $(NAME))
            String value = ref.isMissingNode() ? e.getValue().path("value").asText().replace("$$", "$")
                    : secret.path(ref.path("key").asText()).asText(null);
            if (value != null) {
                properties.put(key, value.replace("/app/config/", config + "/"));
            }
        }
        return properties;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }
}
