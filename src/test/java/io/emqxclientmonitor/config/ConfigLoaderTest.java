package io.emqxclientmonitor.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every configuration mistake is one line that names the setting and the fix. */
class ConfigLoaderTest {
    private final Map<String, String> properties = new HashMap<>(Map.of(
            "emqx.url", "http://emqx:18083/api/",
            "emqx.api.key", "key",
            "emqx.api.secret", "s3cr3t-value",
            "emqx.clients", "Room1=qingping-1, Room2=qingping-2"));

    private MonitorConfig load() {
        return new ConfigLoader(properties::get, properties.keySet()).load();
    }

    private String mistake() {
        String message = assertThrows(ConfigException.class, this::load).getMessage();
        assertFalse(message.contains("\n"), message);
        assertFalse(message.contains("s3cr3t-value"), message);
        return message;
    }

    @Test
    void theSingleBrokerFormWithDefaults() {
        MonitorConfig config = load();
        BrokerConfig broker = config.brokers().get(0);
        assertEquals("emqx", broker.alias());
        assertEquals("http://emqx:18083/api", broker.apiUrl().toString());
        assertEquals(5000, broker.timeout().toMillis());
        assertEquals(3, broker.attempts());
        assertEquals(2, broker.clients().size());
        assertEquals(15, config.pollInterval().toSeconds());
        assertEquals(MetricFlags.DEFAULTS, config.flags());
        assertFalse(broker.toString().contains("s3cr3t-value"));
    }

    @Test
    void theApiUrlIsAcceptedWithOrWithoutApiAndTrailingSlashes() {
        for (String url : new String[]{"http://emqx:18083", "http://emqx:18083/", "http://emqx:18083/api", "http://emqx:18083/api/v5/"}) {
            properties.put("emqx.url", url);
            assertEquals("http://emqx:18083/api", load().brokers().get(0).apiUrl().toString(), url);
        }
    }

    @Test
    void severalBrokersEachWithTheirClientsAndFallbacks() {
        properties.put("emqx.brokers", "eu, us");
        properties.put("emqx.timeout-seconds", "7");
        for (String b : new String[]{"eu", "us"}) {
            properties.put("emqx.broker." + b + ".url", "https://emqx-" + b + ":18083/api");
            properties.put("emqx.broker." + b + ".api.key", "k-" + b);
            properties.put("emqx.broker." + b + ".api.secret", "s-" + b);
            properties.put("emqx.broker." + b + ".clients", "dev=" + b + "-1");
        }
        properties.put("emqx.broker.us.alias", "america");
        MonitorConfig config = load();
        assertEquals(2, config.brokers().size());
        assertEquals("eu", config.brokers().get(0).alias());
        assertEquals("america", config.brokers().get(1).alias());
        assertEquals(7000, config.brokers().get(1).timeout().toMillis());
    }

    @Test
    void missingCredentialsNameTheSettingAndTheEnvVariable() {
        properties.remove("emqx.api.secret");
        String message = mistake();
        assertTrue(message.contains("emqx.api.secret is not set"), message);
        assertTrue(message.contains("EMQX_API_SECRET"), message);
    }

    @Test
    void aMalformedUrlIsRejected() {
        properties.put("emqx.url", "emqx:18083");
        assertTrue(mistake().contains("emqx.url='emqx:18083' is not an http(s) URL"));
    }

    @Test
    void duplicateAliasesAndClientIdsAreRejected() {
        properties.put("emqx.clients", "Room1=a,Room1=b");
        assertTrue(mistake().contains("duplicate alias 'Room1'"));
        properties.put("emqx.clients", "Room1=a,Room2=a");
        assertTrue(mistake().contains("duplicate client_id 'a'"));
    }

    @Test
    void anUnknownMetricFlagIsRejectedWithTheListOfFlags() {
        properties.put("metrics.enable-qos-splitt", "true");
        String message = mistake();
        assertTrue(message.contains("unknown metric flag metrics.enable-qos-splitt"), message);
        assertTrue(message.contains("did you mean metrics.enable-qos-split?"), message);
    }

    @Test
    void noClientsAtAllIsAMistake() {
        properties.put("emqx.clients", "");
        assertTrue(mistake().contains("no clients to monitor"));
    }

    @Test
    void anUnreadableClientsFileIsAMistake() {
        properties.put("emqx.clients-file", "/nonexistent/clients.yaml");
        assertTrue(mistake().contains("emqx.clients-file: cannot read /nonexistent/clients.yaml"));
    }

    @Test
    void aClientsFileInTheReferenceShape() throws Exception {
        Path file = Files.createTempFile("clients", ".yaml");
        Files.writeString(file, "monitored_clients:\n  - alias: Kitchen\n    client_id: \"plant/line 1+&\"\n");
        properties.put("emqx.clients", "");
        properties.put("emqx.clients-file", file.toString());
        assertEquals(new MonitoredClient("Kitchen", "plant/line 1+&"), load().brokers().get(0).clients().get(0));
        Files.delete(file);
    }

    @Test
    void badNumbersAndBooleansAreNamed() {
        properties.put("emqx.attempts", "three");
        assertTrue(mistake().contains("emqx.attempts='three' is not a whole number of attempts from 1 to 100"));
        properties.put("emqx.attempts", "3");
        properties.put("metrics.enable-dates", "yes");
        assertTrue(mistake().contains("metrics.enable-dates='yes' is not true or false"));
    }

    @Test
    void aMisspelledSettingFromAnySourceNamesTheNearestValidKey() {
        properties.put("emqx.timout-seconds", "3");
        assertTrue(mistake().contains("unknown setting emqx.timout-seconds: did you mean emqx.timeout-seconds?"));
    }

    @Test
    void perBrokerKeysAreValidForKnownBrokersOnly() {
        properties.put("emqx.brokers", "eu");
        properties.put("emqx.broker.eu.url", "http://eu:18083/api");
        properties.put("emqx.broker.eu.clients", "a=b");
        properties.put("emqx.broker.eu.timout-seconds", "3");
        assertTrue(mistake().contains("did you mean emqx.broker.eu.timeout-seconds?"));
        properties.remove("emqx.broker.eu.timout-seconds");
        properties.put("emqx.broker.us.url", "http://us:18083/api");
        assertTrue(mistake().contains("emqx.broker.us.url is for broker 'us', which is not in emqx.brokers (eu)"));
    }

    @Test
    void credentialsFallBackPerBrokerButTheUrlDoesNot() {
        properties.put("emqx.brokers", "eu");
        properties.put("emqx.broker.eu.url", "http://eu:18083/api");
        properties.put("emqx.retry-delay-ms", "20");
        BrokerConfig eu = load().brokers().get(0);
        assertEquals("key", eu.apiKey());
        assertEquals("s3cr3t-value", eu.apiSecret());
        assertEquals(2, eu.clients().size(), "emqx.clients falls back when the broker names no clients of its own");
        properties.remove("emqx.broker.eu.url");
        assertTrue(mistake().contains("emqx.broker.eu.url is not set"));
    }

    @Test
    void pollIntervalsAreWholeSeconds() {
        for (String bad : new String[]{"1.5", "0.5", "0", "-3", "fast"}) {
            properties.put("monitor.poll-interval-seconds", bad);
            assertTrue(mistake().contains("monitor.poll-interval-seconds='" + bad + "' is not a whole number of seconds"), bad);
        }
    }

    @Test
    void numbersTheRoutesAndBeansReadAreValidatedToo() {
        properties.put("emqx.max-request-line", "8k");
        assertTrue(mistake().contains("emqx.max-request-line='8k' is not a whole number of bytes"));
        properties.remove("emqx.max-request-line");
        properties.put("emqx.retry-delay-ms", "half");
        assertTrue(mistake().contains("emqx.retry-delay-ms='half' is not a whole number of milliseconds"));
        properties.remove("emqx.retry-delay-ms");
        properties.put("monitor.clients-file-check-seconds", "often");
        assertTrue(mistake().contains("monitor.clients-file-check-seconds='often' is not a positive number"));
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
        properties.put("emqx.url", "http://key:s3cr3t-value@emqx:18083/api");
        assertTrue(mistake().contains("emqx.url has a user name or password in it"));
        properties.put("emqx.url", "http://key:s3cr3t-value with space@emqx:18083/api");
        assertTrue(mistake().contains("emqx.url has a user name or password in it"));
        properties.put("emqx.url", "key:s3cr3t-value@emqx:18083/api"); // no scheme: still never echoed
        assertTrue(mistake().contains("emqx.url has a user name or password in it"));
    }

    @Test
    void aUrlWithAPortOutOfRangeIsRefused() {
        for (String url : new String[]{"http://127.0.0.1:99999/api", "http://emqx:0/api", "https://emqx:65536/api"}) {
            properties.put("emqx.url", url);
            assertTrue(mistake().contains("emqx.url='" + url + "' has no valid port"), url);
        }
    }

    @Test
    void aStateFileThatIsADirectoryIsAMistakeNotSomethingToMoveAside() throws Exception {
        Path directory = Files.createTempDirectory("data");
        properties.put("monitor.state-file", directory.toString());
        assertTrue(mistake().contains("monitor.state-file=" + directory + " is a directory"), mistake());
    }

    @Test
    void aGarbageCaBundleIsRefusedWhenTheConfigurationIsRead() throws Exception {
        Path file = Files.createTempFile("ca", ".pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        properties.put("emqx.url", "https://emqx:18083/api");
        properties.put("emqx.tls.ca-bundle", file.toString());
        assertTrue(mistake().contains("emqx.tls.ca-bundle: " + file + " is not a PEM file of certificates"));
        Files.writeString(file, "");
        assertTrue(mistake().contains("holds no certificate"));
        Files.delete(file);
    }

    @Test
    void aMissingClientsFileSaysNoSuchFileAndYamlMistakesHaveALine() throws Exception {
        properties.put("emqx.clients-file", "/nonexistent/clients.yaml");
        assertTrue(mistake().contains("cannot read /nonexistent/clients.yaml: no such file"));
        Path file = Files.createTempFile("clients", ".yaml");
        Files.writeString(file, "monitored_clients:\n  - alias: a\n    client_id: [b\n  - alias: c\n");
        properties.put("emqx.clients-file", file.toString());
        String message = mistake();
        assertTrue(message.matches(".*YAML error at line \\d+, column \\d+.*"), message);
        Files.delete(file);
    }

    @Test
    void aPatternAloneIsEnoughAndItsAliasComesFromTheNamedGroupOrTheFirstOrTheId() {
        properties.remove("emqx.clients");
        properties.put("emqx.clients.like", "qingping-");
        ClientPattern pattern = load().brokers().get(0).pattern();
        assertTrue(pattern.configured());
        assertEquals("qingping-7", pattern.aliasOf("qingping-7"));
        assertEquals("old-qingping-7", pattern.aliasOf("old-qingping-7"), "a substring, anywhere");
        assertEquals(null, pattern.aliasOf("Qingping-7"), "case-sensitive, as EMQX's binary match");
        assertEquals(ClientPattern.DEFAULT_MAX_CLIENTS, pattern.maxClients());
        assertEquals(java.time.Duration.ofDays(3), pattern.forgetAfter());

        properties.put("emqx.clients.pattern", "^(qingping)-(?<alias>\\w+)$");
        assertEquals("7a", load().brokers().get(0).pattern().aliasOf("qingping-7a"), "the named group wins over group 1");
        properties.put("emqx.clients.pattern", "^qingping-(\\d+)$");
        assertEquals("7", load().brokers().get(0).pattern().aliasOf("qingping-7"));
        assertEquals(null, load().brokers().get(0).pattern().aliasOf("qingping-x"), "the regex rejects it");
        properties.put("emqx.clients.pattern", "^qingping-(x)?");
        assertEquals("qingping-7", load().brokers().get(0).pattern().aliasOf("qingping-7"), "an empty group: the id");
    }

    @Test
    void noExplicitClientsAndNoPatternStillSaysWhatToSet() {
        properties.remove("emqx.clients");
        assertTrue(mistake().contains("or emqx.clients.like=<part of the client ids>"), mistake());
    }

    @Test
    void aBadRegexIsOneLineNamingTheSettingAndAnExample() {
        properties.put("emqx.clients.pattern", "^qingping-(?<alias>.+$");
        String message = mistake();
        assertTrue(message.startsWith("emqx.clients.pattern='^qingping-(?<alias>.+$' is not a Java regular expression"), message);
        assertTrue(message.contains("write it like ^qingping-(?<alias>.+)$"), message);
    }

    @Test
    void maxClientsAndForgetAfterMistakesAreNamed() {
        for (String bad : new String[]{"-1", "0", "ten", "1.5", "2000000"}) {
            properties.put("monitor.max-clients", bad);
            assertTrue(mistake().startsWith("monitor.max-clients='" + bad + "' is not a whole number of clients from 1 to 1000000"), bad);
        }
        properties.remove("monitor.max-clients");
        for (String bad : new String[]{"3 days", "3dd", "-1d", "0", "400d", "PT", "forever"}) {
            properties.put("monitor.forget-after", bad);
            assertTrue(mistake().startsWith("monitor.forget-after='" + bad + "' is not a duration above 0 and up to 365 days"), bad);
        }
        properties.put("monitor.forget-after", "36h");
        assertEquals(java.time.Duration.ofHours(36), load().brokers().get(0).pattern().forgetAfter());
        properties.put("monitor.forgett-after", "1d");
        assertTrue(mistake().contains("did you mean monitor.forget-after?"), mistake());
    }

    @Test
    void patternsArePerBrokerAndFallBackTogether() {
        properties.put("emqx.brokers", "eu,us");
        properties.put("emqx.clients.like", "sensor-");
        properties.put("emqx.clients.pattern", "^sensor-(\\d+)$");
        for (String b : new String[]{"eu", "us"}) {
            properties.put("emqx.broker." + b + ".url", "http://" + b + ":18083");
        }
        properties.put("emqx.broker.us.clients.like", "pump-");
        MonitorConfig config = load();
        assertEquals("sensor-", config.brokers().get(0).pattern().like());
        assertEquals("^sensor-(\\d+)$", config.brokers().get(0).pattern().regex().pattern());
        assertEquals("pump-", config.brokers().get(1).pattern().like());
        assertEquals(null, config.brokers().get(1).pattern().regex(), "like and pattern fall back together, not one by one");
        properties.put("emqx.broker.us.clients.pattren", "x");
        assertTrue(mistake().contains("did you mean emqx.broker.us.clients.pattern?"), mistake());
    }

    @Test
    void aLikeTooLongForTheRequestLineIsRefused() {
        properties.put("emqx.clients.like", "ü".repeat(200));
        assertTrue(mistake().startsWith("emqx.clients.like is longer than 1000 bytes URL-encoded"), mistake());
    }

    @Test
    void aRegexThatBacktracksCatastrophicallyGivesUpOnThatIdInsteadOfStallingThePoll() {
        properties.put("emqx.clients.pattern", "^(a+)+$");
        ClientPattern pattern = load().brokers().get(0).pattern();
        String evil = "a".repeat(40) + "b"; // 2^40 backtracking steps without a bound
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> assertEquals(null, pattern.aliasOf(evil)), "a hang guard, not a speed requirement");
        assertEquals("aaaa", pattern.aliasOf("aaaa"), "a sane id still matches");
    }
}
