package io.emqxclientmonitor.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConverterExists;
import org.apache.camel.support.TypeConverterSupport;
import org.apache.camel.util.TimeUtils;
import org.apache.camel.component.properties.DefaultPropertiesParser;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.component.properties.PropertiesLookup;
import org.apache.camel.main.Main;
import org.apache.camel.support.component.PropertyConfigurerSupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A camel-main set up the way Camel JBang's {@code camel run FILES… --prop k=v} sets up its KameletMain (no JBang
 * can be had from our Maven repository; KameletMain is not served either). As in JBang's {@code Run.java}
 * (4.17/4.18): every DSL file, Kamelets included, goes into {@code camel.main.routesIncludePattern} as
 * {@code file:…}; {@code *.kamelet.yaml} files are appended to {@code camel.component.kamelet.location} (after
 * KameletMain's default {@code classpath:kamelets}); {@code *.properties} files become
 * {@code camel.component.properties.location} as absolute {@code file://} URLs and the placeholder locations;
 * {@code --prop} values are argument properties. All of these are initial properties, so application.properties
 * beats them, as under JBang. Nothing of {@code CamelLauncher} is used.
 * <p>
 * {@link #export} adds what {@code camel export} adds for its silent run ({@code KameletMain.setupExport}):
 * {@code camel.jbang.export=true}, no auto-startup, no HTTP server, missing placeholders ignored, and a properties
 * parser that turns every missing placeholder into {@value PropertyConfigurerSupport#MAGIC_VALUE}, and a type
 * converter that accepts the stub (JBang's ExportTypeConverter; here only for {@link Duration}).
 */
final class CamelRun {
    private CamelRun() {
    }

    static Main run(List<String> files, Map<String, String> props) {
        return build(new Main(), files, props);
    }

    static Main export(List<String> files, Map<String, String> props) {
        Main main = new Main() {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext context = super.createCamelContext();
                PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
                properties.setPropertiesParser(new StubMissing());
                // JBang's ExportTypeConverter, for the one type our routes need: a stubbed duration reads as 1 ms
                context.getTypeConverterRegistry().setTypeConverterExists(TypeConverterExists.Override);
                context.getTypeConverterRegistry().addTypeConverter(Duration.class, String.class, new TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                        String text = value.toString();
                        return type.cast(PropertyConfigurerSupport.MAGIC_VALUE.equals(text) ? Duration.ofMillis(1)
                                : TimeUtils.toDuration(text));
                    }
                });
                return context;
            }
        };
        main.addInitialProperty("camel.jbang.export", "true");
        main.addInitialProperty("camel.main.autoStartup", "false");
        main.addInitialProperty("camel.component.properties.ignore-missing-property", "true");
        main.addInitialProperty("camel.component.properties.ignore-missing-location", "true");
        main.configure().httpServer().withEnabled(false);
        main.configure().httpManagementServer().withEnabled(false);
        main.configure().setAutowiredEnabled(false);
        main.configure().setAutoConfigurationFailFast(false);
        return build(main, files, props);
    }

    private static Main build(Main main, List<String> files, Map<String, String> props) {
        StringJoiner routes = new StringJoiner(",");
        StringJoiner kamelets = new StringJoiner(",");
        StringJoiner properties = new StringJoiner(",");
        for (String file : files) {
            if (file.endsWith(".properties")) {
                properties.add("file://" + Path.of(file).toAbsolutePath());
                continue;
            }
            routes.add("file:" + file);
            if (file.endsWith(".kamelet.yaml")) {
                kamelets.add("file:" + file);
            }
        }
        main.addInitialProperty("camel.main.routesIncludePattern", routes.toString());
        main.addInitialProperty("camel.component.kamelet.location",
                "classpath:kamelets" + (kamelets.length() > 0 ? "," + kamelets : ""));
        if (properties.length() > 0) {
            main.addInitialProperty("camel.component.properties.location", properties.toString());
            main.setPropertyPlaceholderLocations(properties.toString());
        }
        props.forEach(main::addArgumentProperty);
        return main;
    }

    /** As JBang's ExportPropertiesParser: a placeholder with no value resolves to the magic stub. */
    private static final class StubMissing extends DefaultPropertiesParser {
        @Override
        public String parseProperty(String key, String value, PropertiesLookup properties) {
            return value == null ? PropertyConfigurerSupport.MAGIC_VALUE : value;
        }
    }
}
