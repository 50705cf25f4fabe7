package io.emqxclientmonitor.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --cfg reads the reference exporter's config.yaml unchanged. */
class ReferenceConfigFileTest {

    private static Path write(String yaml) throws Exception {
        Path file = Files.createTempFile("config", ".yaml");
        Files.writeString(file, yaml);
        file.toFile().deleteOnExit();
        return file;
    }

    @Test
    void everySectionMapsToOurProperties() throws Exception {
        Path file = write("""
                emqx:
                  api_key: "01234567890abcde"
                  api_secret: "exampleSecret"
                  api_url: "http://emqx:18083/api/"
                  ssl: false
                  alias: LocalEMQX
                  timeout_seconds: 7
                  attempts: 2
                monitored_clients:
                  - alias: QingpingCO2_Room1
                    client_id: "qingping-DEADBEEF1234"
                prometheus:
                  port: 9999
                  address: 127.0.0.1
                  ttl_seconds: 30
                  enable_qos_split: true
                """);
        Map<String, String> p = ReferenceConfigFile.toProperties(file);
        assertEquals("http://emqx:18083/api/", p.get("emqx.url"));
        assertEquals("LocalEMQX", p.get("emqx.alias"));
        assertEquals("true", p.get("emqx.tls.insecure"));
        assertEquals("7", p.get("emqx.timeout-seconds"));
        assertEquals(file.toString(), p.get("emqx.clients-file"));
        assertEquals("9999", p.get("camel.server.port"));
        assertEquals("30", p.get("monitor.poll-interval-seconds"));
        assertEquals("true", p.get("metrics.enable-qos-split"));

        MonitorConfig config = new ConfigLoader(p::get, p.keySet()).load();
        assertEquals(new MonitoredClient("QingpingCO2_Room1", "qingping-DEADBEEF1234"), config.brokers().get(0).clients().get(0));
        assertTrue(config.flags().qosSplit());
    }

    @Test
    void sslAsAPathIsTheCaBundle() throws Exception {
        Path file = write("emqx: {api_key: k, api_secret: s, api_url: 'https://e/api', alias: e, ssl: /etc/ca.pem}\nmonitored_clients: []\n");
        assertEquals("/etc/ca.pem", ReferenceConfigFile.toProperties(file).get("emqx.tls.ca-bundle"));
    }

    @Test
    void unknownSettingsAreNamed() throws Exception {
        Path file = write("emqx: {api_key: k, api_secret: s, api_url: 'http://e/api', alias: e}\nprometheus: {enable_everything: true}\n");
        String message = assertThrows(ConfigException.class, () -> ReferenceConfigFile.toProperties(file)).getMessage();
        assertTrue(message.contains("unknown setting prometheus.enable_everything"), message);
    }

    @Test
    void anUnreadableFileIsNamed() {
        String message = assertThrows(ConfigException.class, () -> ReferenceConfigFile.toProperties(Path.of("/no/such.yaml"))).getMessage();
        assertTrue(message.startsWith("--cfg /no/such.yaml: cannot read it"), message);
    }

    @Test
    void aBadCaBundleIsNamedAsTheUserWroteIt() throws Exception {
        Path file = write("emqx: {api_key: k, api_secret: s, api_url: 'https://e/api', alias: e, ssl: /nope/ca.pem}\nmonitored_clients: [{alias: a, client_id: b}]\n");
        ReferenceConfigFile.Settings settings = ReferenceConfigFile.read(file);
        Map<String, String> p = settings.properties();
        String message = assertThrows(ConfigException.class,
                () -> new ConfigLoader(p::get, p.keySet(), settings.writtenAs()::get).load()).getMessage();
        assertTrue(message.startsWith("emqx.ssl in --cfg " + file + ": cannot read the CA bundle /nope/ca.pem: no such file"), message);
    }

    @Test
    void theFileIsTheWholeClientListAndOneBroker() throws Exception {
        Path file = write("emqx: {api_key: k, api_secret: s, api_url: 'http://e/api', alias: e}\nmonitored_clients: [{alias: a, client_id: b}]\n");
        Map<String, String> p = ReferenceConfigFile.toProperties(file);
        assertEquals("", p.get("emqx.clients"), "a leftover EMQX_CLIENTS is not merged in");
        assertEquals("", p.get("emqx.clients.like"), "nor a leftover pattern");
        assertEquals("", p.get("emqx.clients.pattern"));
        assertEquals("", p.get("emqx.brokers"));
    }

    @Test
    void aYamlMistakeHasItsLine() throws Exception {
        Path file = write("emqx:\n  api_key: k\n  api_url: [\n");
        String message = assertThrows(ConfigException.class, () -> ReferenceConfigFile.toProperties(file)).getMessage();
        assertTrue(message.matches(".*YAML error at line \\d+, column \\d+.*"), message);
    }
}
