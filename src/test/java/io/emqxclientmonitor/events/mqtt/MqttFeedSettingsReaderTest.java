package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.KnownSettings;
import io.emqxclientmonitor.config.TlsSettings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MQTT feed's settings: off without a URL, per broker with fallback, mistakes named with their fix. */
class MqttFeedSettingsReaderTest {
    private static final BrokerConfig EU = broker("eu", "europe");
    private static final BrokerConfig US = broker("us", "us");
    private final Map<String, String> settings = new HashMap<>();

    private List<MqttFeedSettings> read(BrokerConfig... brokers) {
        return new MqttFeedSettingsReader(settings::get).read(List.of(brokers), new DefaultCamelContext());
    }

    @Test
    @DisplayName("without emqx.events.mqtt.url the feed is off")
    void offWithoutUrl() {
        settings.put("emqx.events.mqtt.username", "u");
        assertEquals(List.of(), read(EU, US));
    }

    @Test
    @DisplayName("per-broker settings win over emqx.events.mqtt.*, the rest falls back; defaults: $SYS filter, 1 h session")
    void perBrokerWithFallback() {
        settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
        settings.put("emqx.events.mqtt.username", "feed");
        settings.put("emqx.events.mqtt.password", "pw");
        settings.put("emqx.broker.us.events.mqtt.url", "ssl://emqx-us:8883");
        settings.put("emqx.broker.us.events.mqtt.topic", "presence/events");
        settings.put("emqx.broker.us.events.mqtt.client-id", "monitor-us");
        settings.put("emqx.broker.us.events.mqtt.session-expiry", "90m");

        List<MqttFeedSettings> feeds = read(EU, US);

        MqttFeedSettings eu = feeds.get(0);
        assertEquals("europe", eu.brokerAlias());
        assertEquals("tcp://emqx:1883", eu.url());
        assertEquals("$SYS/brokers/+/clients/#", eu.topic());
        assertEquals(Duration.ofHours(1), eu.sessionExpiry());
        assertTrue(eu.clientId().startsWith("emqx-client-monitor-europe-"), eu.clientId());
        MqttFeedSettings us = feeds.get(1);
        assertEquals("ssl://emqx-us:8883", us.url());
        assertEquals("feed", us.username());
        assertEquals("pw", us.password());
        assertEquals("presence/events", us.topic());
        assertEquals("monitor-us", us.clientId());
        assertEquals(Duration.ofMinutes(90), us.sessionExpiry());
        assertFalse(us.toString().contains("pw"), "toString never prints the password");
    }

    @Test
    @DisplayName("the default client id is the same at every start (the persistent session is found again) and a valid MQTT id")
    void defaultClientIdIsStable() {
        String id = MqttFeedSettingsReader.defaultClientId("my broker/1");
        assertEquals(id, MqttFeedSettingsReader.defaultClientId("my broker/1"));
        assertTrue(id.matches("[A-Za-z0-9._-]+"), id);
    }

    @Test
    @DisplayName("a URL that is not tcp:// or ssl://, or that holds credentials, is a configuration error naming the setting")
    void badUrls() {
        settings.put("emqx.broker.eu.events.mqtt.url", "http://emqx:1883");
        ConfigException scheme = assertThrows(ConfigException.class, () -> read(EU));
        assertTrue(scheme.getMessage().startsWith("emqx.broker.eu.events.mqtt.url='http://emqx:1883' is not a tcp:// or ssl://"),
                scheme.getMessage());

        settings.put("emqx.broker.eu.events.mqtt.url", "tcp://feed:s3cret@emqx:1883");
        ConfigException credentials = assertThrows(ConfigException.class, () -> read(EU));
        assertTrue(credentials.getMessage().contains("emqx.events.mqtt.password"), credentials.getMessage());
        assertFalse(credentials.getMessage().contains("s3cret"), "the password in the URL is not repeated");
    }

    @Test
    @DisplayName("a session expiry that is no positive duration is a configuration error")
    void badSessionExpiry() {
        settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
        for (String bad : List.of("0", "-5", "soon", "0.2")) {
            settings.put("emqx.events.mqtt.session-expiry", bad);
            ConfigException e = assertThrows(ConfigException.class, () -> read(EU), bad);
            assertTrue(e.getMessage().startsWith("emqx.events.mqtt.session-expiry='" + bad + "' is not a session expiry"),
                    e.getMessage());
        }
    }

    @Test
    @DisplayName("the feed's keys are known settings, globally and per broker; a misspelled one is not")
    void knownSettings() {
        assertNull(KnownSettings.problem("emqx.events.mqtt.password", List.of("eu"), "emqx.events.mqtt.password"));
        assertNull(KnownSettings.problem("emqx.broker.eu.events.mqtt.topic", List.of("eu"), "x"));
        assertNull(KnownSettings.problem("emqx.events.mqtt.max-retry-delay-ms", List.of(), "x"));
        assertTrue(KnownSettings.problem("emqx.events.mqtt.pasword", List.of(), "emqx.events.mqtt.pasword") != null);
    }

    private static BrokerConfig broker(String name, String alias) {
        return new BrokerConfig(name, alias, URI.create("http://emqx:18083/api"), "k", "s", Duration.ofSeconds(5), 3,
                TlsSettings.VERIFY_WITH_SYSTEM_TRUST, List.of(), null);
    }
}
