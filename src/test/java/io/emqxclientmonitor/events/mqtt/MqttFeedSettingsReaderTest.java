package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.EventFeedConfig;
import io.emqxclientmonitor.config.KnownSettings;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.support.LogCapture;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the MQTT feed of each broker connects with: from the broker's EventFeedConfig, plus the defaults and back-off. */
class MqttFeedSettingsReaderTest {
    private static final BrokerConfig EU = broker("eu", "europe");
    private static final BrokerConfig US = broker("us", "us");
    private final Map<String, String> settings = new HashMap<>();

    private List<MqttFeedSettings> read(BrokerConfig... brokers) {
        Map<String, EventFeedConfig> feeds = new LinkedHashMap<>();
        Function<String, String> value = settings::get;
        for (BrokerConfig broker : brokers) {
            feeds.put(broker.alias(), EventFeedConfig.load(broker.name(), value, Function.identity()));
        }
        return new MqttFeedSettingsReader(value).read(List.of(brokers), feeds, new DefaultCamelContext());
    }

    @Test
    @DisplayName("a broker without emqx.events.mqtt.url has no MQTT feed")
    void offWithoutUrl() {
        settings.put("emqx.events.mqtt.username", "u");
        settings.put("emqx.broker.us.events.mqtt.url", "tcp://emqx-us:1883");
        List<MqttFeedSettings> feeds = read(EU, US);
        assertEquals(List.of("us"), feeds.stream().map(MqttFeedSettings::brokerAlias).toList());
    }

    @Test
    @DisplayName("per broker, with fallback; the default filter is EMQX's $SYS client events, the default client id fixed per broker")
    void perBrokerWithFallback() {
        settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
        settings.put("emqx.events.mqtt.username", "feed");
        settings.put("emqx.events.mqtt.password", "pw-secret");
        settings.put("emqx.broker.us.events.mqtt.url", "ssl://emqx-us:8883");
        settings.put("emqx.broker.us.events.mqtt.topic", "presence/events");
        settings.put("emqx.broker.us.events.mqtt.client-id", "monitor-us");
        settings.put(MqttFeedSettingsReader.RETRY_DELAY, "200");

        List<MqttFeedSettings> feeds = read(EU, US);

        MqttFeedSettings eu = feeds.get(0);
        assertEquals("tcp://emqx:1883", eu.url());
        assertEquals("$SYS/brokers/+/clients/#", eu.topic());
        assertEquals(MqttFeedSettingsReader.defaultClientId("europe"), eu.clientId());
        assertEquals(Duration.ofMillis(200), eu.firstRetryDelay());
        assertEquals(Duration.ofSeconds(30), eu.maxRetryDelay());
        MqttFeedSettings us = feeds.get(1);
        assertEquals("ssl://emqx-us:8883", us.url());
        assertEquals("feed", us.username());
        assertEquals("pw-secret", us.password());
        assertEquals("presence/events", us.topic());
        assertEquals("monitor-us", us.clientId());
        assertFalse(us.toString().contains("pw-secret"), "toString never prints the password");
    }

    @Test
    @DisplayName("the default client id is the same at every start (the persistent session is found again), per broker, and a plain MQTT id")
    void defaultClientIdIsStable() {
        String id = MqttFeedSettingsReader.defaultClientId("my broker/1");
        assertEquals(id, MqttFeedSettingsReader.defaultClientId("my broker/1"));
        assertTrue(id.startsWith("emqx-client-monitor-my_broker_1-"), id);
        assertTrue(id.matches("[A-Za-z0-9._-]+"), id);
        assertFalse(id.equals(MqttFeedSettingsReader.defaultClientId("other")));
    }

    @Test
    @DisplayName("ssl:// with insecure=true is a WARN at start naming the safer setting; tcp:// or a checked ssl:// is none")
    void insecureTlsIsWarned() {
        try (LogCapture log = LogCapture.start()) {
            settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
            settings.put("emqx.broker.us.events.mqtt.url", "ssl://emqx-us:8883");
            read(EU, US);
            assertEquals(List.of(), log.warningsAndErrors());

            settings.put("emqx.broker.us.events.mqtt.insecure", "true");
            List<MqttFeedSettings> feeds = read(EU, US);
            List<String> warnings = log.warningsAndErrors();
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("broker us:") && warnings.get(0).contains("emqx.events.mqtt.ca-file"),
                    warnings.get(0));
            assertFalse(feeds.get(1).verifyHostname());
            assertTrue(feeds.get(1).socketFactory() != null);
        }
    }

    @Test
    @DisplayName("a back-off that is not a whole number of milliseconds is a configuration error naming the setting")
    void badBackoff() {
        settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
        settings.put(MqttFeedSettingsReader.MAX_RETRY_DELAY, "0.5");
        ConfigException e = assertThrows(ConfigException.class, () -> read(EU));
        assertTrue(e.getMessage().startsWith("emqx.events.mqtt.max-retry-delay-ms='0.5' is not a whole number"), e.getMessage());
    }

    @Test
    @DisplayName("the back-off settings are known settings; a misspelled one is not")
    void knownSettings() {
        assertNull(KnownSettings.problem(MqttFeedSettingsReader.RETRY_DELAY, List.of(), "x"));
        assertNull(KnownSettings.problem(MqttFeedSettingsReader.MAX_RETRY_DELAY, List.of(), "x"));
        assertTrue(KnownSettings.problem("emqx.events.mqtt.retry-delay", List.of(), "emqx.events.mqtt.retry-delay") != null);
    }

    private static BrokerConfig broker(String name, String alias) {
        return new BrokerConfig(name, alias, URI.create("http://emqx:18083/api"), "k", "s", Duration.ofSeconds(5), 3,
                TlsSettings.VERIFY_WITH_SYSTEM_TRUST, List.of(), null);
    }

    @Test
    @DisplayName("an invalid topic filter is a configuration error naming the setting and the rule; valid ones pass")
    void invalidTopicFilters() {
        settings.put("emqx.events.mqtt.url", "tcp://emqx:1883");
        for (String bad : List.of("a/#/b", "#/a", "a#", "a/b#", "a+/b", "a/+b", "+a", "a/\u0000/b", "a/##")) {
            settings.put("emqx.events.mqtt.topic", bad);
            ConfigException e = assertThrows(ConfigException.class, () -> read(EU), bad);
            assertTrue(e.getMessage().startsWith("emqx.broker.eu.events.mqtt.topic (or emqx.events.mqtt.topic)='"), e.getMessage());
            assertTrue(e.getMessage().contains("'#'") || e.getMessage().contains("'+'") || e.getMessage().contains("NUL"), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\u0000"), "one printable line: " + e.getMessage());
        }
        for (String good : List.of("#", "+", "a/#", "a/+/b", "+/+", "$SYS/brokers/+/clients/#", "a//b", "/", "presence/events")) {
            settings.put("emqx.events.mqtt.topic", good);
            assertEquals(good, read(EU).get(0).topic());
        }
    }

    @Test
    @DisplayName("an MQTT URL with user info is refused without echoing it, whatever else is wrong with it")
    void urlWithUserInfoIsNeverEchoed() {
        for (String url : List.of("tcp://mqu:SECRETPW42@127.0.0.1:1883", "ssl://mqu:SECRETPW42@emqx:8883/",
                "tcp://mqu:SECRETPW42@emqx:1883 x", "mqu:SECRETPW42@emqx:1883", "http://mqu:SECRETPW42@emqx",
                "tcp://:SECRETPW42@emqx:1883", "tcp://SECRETPW42@emqx:1883")) {
            settings.put("emqx.events.mqtt.url", url);
            ConfigException e = assertThrows(ConfigException.class, () -> read(EU), url);
            assertFalse(e.getMessage().contains("SECRETPW42"), e.getMessage());
            assertTrue(e.getMessage().startsWith("emqx.events.mqtt.url has a user name or password in it"), e.getMessage());
        }
    }
}
