package io.emqxclientmonitor.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings from every source: first wins --cfg/options, then -D, then env, then application.properties; all checked. */
class SettingSourcesTest {
    private static final Map<String, String> FILE = Map.of("emqx.alias", "file", "emqx.brokers", "eu-west");

    private static SettingSources sources(Properties overrides, Properties system, Map<String, String> env) {
        return SettingSources.of(overrides, system, env, FILE.keySet(), FILE::get);
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void cfgBeatsSystemPropertiesWhichBeatTheEnvironmentWhichBeatsTheFile() {
        Map<String, String> env = Map.of("EMQX_ALIAS", "env");
        assertEquals("file", sources(props(), props(), Map.of()).value("emqx.alias"));
        assertEquals("env", sources(props(), props(), env).value("emqx.alias"));
        assertEquals("sys", sources(props(), props("emqx.alias", "sys"), env).value("emqx.alias"));
        assertEquals("cfg", sources(props("emqx.alias", "cfg"), props("emqx.alias", "sys"), env).value("emqx.alias"));
    }

    @Test
    void aMisspelledEnvironmentVariableNamesTheNearestOne() {
        String message = assertThrows(ConfigException.class,
                () -> sources(props(), props(), Map.of("METRICS_ENABLE_QOS_SPLT", "true"))).getMessage();
        assertEquals("unknown setting in environment variable METRICS_ENABLE_QOS_SPLT: did you mean"
                + " METRICS_ENABLE_QOS_SPLIT (metrics.enable-qos-split)?", message);
    }

    @Test
    void perBrokerEnvironmentVariablesOfKnownBrokersAreSettings() {
        SettingSources sources = sources(props(), props(), Map.of("EMQX_BROKER_EU_WEST_API_SECRET", "s"));
        assertEquals("s", sources.value("emqx.broker.eu-west.api.secret"));
    }

    @Test
    void kubernetesServiceLinksAndEmqxsOwnVariablesAreNotOurs() {
        SettingSources sources = sources(props(), props(), Map.of("EMQX_SERVICE_HOST", "10.0.0.1",
                "EMQX_PORT_18083_TCP_ADDR", "10.0.0.1", "EMQX_PORT", "tcp://10.0.0.1:1883", "EMQX_NODE__COOKIE", "c",
                "MONITOR_SERVICE_PORT_HTTP", "80"));
        assertEquals(Set.of("emqx.alias", "emqx.brokers"), sources.keys());
    }

    @Test
    void valuesFromTheEnvironmentAreTakenAsTheyAre() {
        assertEquals("a{{b}}c", sources(props(), props(), Map.of("EMQX_API_SECRET", "a{{b}}c")).value("emqx.api.secret"));
    }

    @Test
    void systemPropertiesUnderOurPrefixesAreKeysToCheck() {
        SettingSources sources = sources(props(), props("metrics.enable-qos-splt", "true", "java.home", "/x"), Map.of());
        assertTrue(sources.keys().contains("metrics.enable-qos-splt"));
        String message = assertThrows(ConfigException.class,
                () -> new ConfigLoader(sources::value, sources.keys()).load()).getMessage();
        assertTrue(message.contains("did you mean metrics.enable-qos-split?"), message);
    }
}
