package io.emqxclientmonitor;

import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Builds the camel-main application: properties from {@code application.properties} in the working directory
 * (else the copy in the jar), routes from {@code routes/} on disk (else the copies in the jar), our beans.
 * <p>
 * Precedence, first wins: the given overrides (command-line options, {@code --cfg}, what a subcommand sets),
 * {@code -D}, environment variables, application.properties. Camel's own order puts environment and {@code -D}
 * above its override properties; here they are looked up after them instead ({@code -D camel.*} is copied below
 * the overrides, ours are layered by {@link io.emqxclientmonitor.config.SettingSources}).
 */
public final class CamelLauncher {
    /** Where the jar keeps its copies of application.properties and routes/ (not the classpath root: embedders). */
    static final String PACKED = "classpath:emqx-client-monitor/";
    /** PropertiesComponent's mode: look at the environment / system properties only when no property source has the key. */
    private static final String FALLBACK = "1";
    /** The whole application.properties; {@value #PACKED}application.properties is it without camel.* (pom.xml). */
    private static final String STANDALONE_PROPERTIES = "/emqx-client-monitor/standalone/application.properties";

    private CamelLauncher() {
    }

    public static Main create(Map<String, String> overrides) {
        return create(overrides, Map.of());
    }

    /** @param writtenAs for messages: a setting and where the user wrote it (e.g. a key of --cfg's config.yaml) */
    public static Main create(Map<String, String> overrides, Map<String, String> writtenAs) {
        Main main = new Main() {
            @Override
            protected void configurePropertiesService(CamelContext camelContext) throws Exception {
                // Camel reads properties files as ISO-8859-1 unless told; ours (and what editors write) are UTF-8.
                // Set here, before the locations are added: camel.component.properties.encoding comes too late.
                ((PropertiesComponent) camelContext.getPropertiesComponent()).setEncoding(StandardCharsets.UTF_8.name());
                super.configurePropertiesService(camelContext);
            }
        };
        // application.properties names MonitorBeans (camel.main.configuration-classes), as camel run needs; an older
        // copy in the working directory without that line still gets it from here (initial: the file wins)
        main.addInitialProperty("camel.main.configuration-classes", MonitorBeans.class.getName());
        // the packed copy for embedders has no camel.* keys (they would reconfigure a host): ours come from the whole
        // file packed beside it, below every location (initial), so a working directory's application.properties wins
        standaloneCamelSettings().forEach(main::addInitialProperty);
        // Camel lets the first location that has a key win: the file in the working directory, then the packed copy
        main.setDefaultPropertyPlaceholderLocation(
                "file:application.properties;optional=true," + PACKED + "application.properties;optional=true");
        Map<String, String> all = new LinkedHashMap<>();
        if (!Files.isDirectory(Path.of("routes"))) {
            all.put("camel.main.routes-include-pattern", PackedRoutes.locations());
            all.put("camel.main.routes-reload-enabled", "false");
        }
        all.put("camel.component.properties.environment-variable-mode", FALLBACK);
        all.put("camel.component.properties.system-properties-mode", FALLBACK);
        main.configure().setAutoConfigurationSystemPropertiesEnabled(false);
        all.putAll(overrides);
        System.getProperties().stringPropertyNames().stream().filter(key -> key.startsWith("camel."))
                .forEach(key -> all.putIfAbsent(key, System.getProperty(key)));
        all.forEach(main::addOverrideProperty);
        main.bind(MonitorBeans.SETTING_NAMES, Map.copyOf(writtenAs));
        return main;
    }

    /** The camel.* keys of the application.properties packed in the jar (route reload, HTTP server, Kamelets, …). */
    static Map<String, String> standaloneCamelSettings() {
        Properties whole = new Properties();
        try (InputStream in = CamelLauncher.class.getResourceAsStream(STANDALONE_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(STANDALONE_PROPERTIES + " is missing from the jar: rebuild it");
            }
            whole.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> camel = new TreeMap<>();
        whole.stringPropertyNames().stream().filter(key -> key.startsWith("camel."))
                .forEach(key -> camel.put(key, whole.getProperty(key).trim()));
        return camel;
    }
}
