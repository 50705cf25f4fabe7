package io.emqxclientmonitor;

import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the camel-main application: properties from {@code application.properties} in the working directory
 * (else the copy in the jar), routes from {@code routes/} on disk (else the copies in the jar), our beans.
 */
public final class CamelLauncher {
    /** Where the jar keeps its copies of application.properties and routes/ (not the classpath root: embedders). */
    static final String PACKED = "classpath:emqx-client-monitor/";

    private CamelLauncher() {
    }

    public static Main create(Map<String, String> overrides) {
        Main main = new Main();
        main.configure().addConfiguration(MonitorBeans.class);
        main.setDefaultPropertyPlaceholderLocation(
                PACKED + "application.properties;optional=true,file:application.properties;optional=true");
        if (!Files.isDirectory(Path.of("routes"))) {
            main.addOverrideProperty("camel.main.routes-include-pattern", PACKED + "routes/*.yaml");
            main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        }
        overrides.forEach(main::addOverrideProperty);
        return main;
    }
}
