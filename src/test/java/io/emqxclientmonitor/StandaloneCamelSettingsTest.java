package io.emqxclientmonitor;

import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** java -jar outside a directory with application.properties still gets the camel.* of the project's file. */
class StandaloneCamelSettingsTest {
    @Test
    void theLauncherTakesEveryCamelKeyOfTheProjectsApplicationProperties() throws Exception {
        Properties file = new Properties();
        try (var in = new InputStreamReader(new FileInputStream("application.properties"), StandardCharsets.UTF_8)) {
            file.load(in);
        }
        Map<String, String> expected = new TreeMap<>();
        file.stringPropertyNames().stream().filter(k -> k.startsWith("camel."))
                .forEach(k -> expected.put(k, file.getProperty(k).trim()));
        assertEquals(expected, CamelLauncher.standaloneCamelSettings());
        assertEquals("9671", CamelLauncher.standaloneCamelSettings().get("camel.server.port"));
        assertEquals("65536", CamelLauncher.standaloneCamelSettings().get("camel.server.maxBodySize"));
    }
}
