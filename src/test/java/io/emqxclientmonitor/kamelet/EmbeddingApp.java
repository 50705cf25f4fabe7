package io.emqxclientmonitor.kamelet;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.InterceptSendToMockEndpointStrategy;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A camel-main application that is not the exporter: none of its beans, routes or properties, only
 * {@code src/test/resources/kamelet/embedding-route.yaml}, which consumes {@code kamelet:emqx-clients-source}
 * (found in {@code kamelets/} on disk) and sends the records to {@code seda:records}, mocked here.
 */
final class EmbeddingApp implements AutoCloseable {
    private final Main main;

    private EmbeddingApp(Main main) {
        this.main = main;
    }

    /**
     * Watches these client ids on the simulator, polling every {@code periodMillis}. The credentials go in as
     * Kamelet properties ({@code camel.kamelet.emqx-clients-source.*}), the rest as parameters of the route's URI.
     */
    static Map<String, String> properties(EmqxSimulator emqx, String clientIds, long periodMillis) {
        Map<String, String> properties = new HashMap<>();
        properties.put("emqx.url", emqx.apiUrl());
        // as an application.properties would: camel.kamelet.emqx-clients-source.secretKey = {{env:EMQX_SECRET_KEY}}
        properties.put("emqx.api-key", emqx.options().apiKey());
        properties.put("emqx.secret", emqx.options().apiSecret());
        properties.put("camel.kamelet.emqx-clients-source.apiKey", "{{emqx.api-key}}");
        properties.put("camel.kamelet.emqx-clients-source.secretKey", "{{emqx.secret}}");
        properties.put("emqx.watch", clientIds);
        properties.put("emqx.period", Long.toString(periodMillis));
        properties.put("emqx.retry-delay", "10");
        return properties;
    }

    static EmbeddingApp start(Map<String, String> properties) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:kamelet/embedding.properties");
        properties.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                // seda:records becomes mock:seda:records, so the test can assert on what arrives
                configured.getCamelContext().getCamelContextExtension()
                        .registerEndpointCallback(new InterceptSendToMockEndpointStrategy("seda:records", true));
            }
        });
        try {
            main.start();
        } catch (Exception e) {
            try {
                main.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException(e);
        }
        return new EmbeddingApp(main);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    MockEndpoint records() {
        return context().getEndpoint("mock:seda:records", MockEndpoint.class);
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
