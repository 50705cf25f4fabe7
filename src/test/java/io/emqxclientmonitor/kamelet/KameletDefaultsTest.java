package io.emqxclientmonitor.kamelet;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Kamelet as the README shows it: only the required properties, every optional one left at its default
 * ({@code brokerAlias} "emqx", which once clashed with the template bean's name). Loaded the way Camel JBang's
 * {@code camel run routes.yaml kamelets/emqx-clients-source.kamelet.yaml} loads it: the Kamelet file is one of the
 * route files and also the Kamelet location ({@code Run.java} puts both into {@code camel.main.routesIncludePattern}
 * and {@code camel.component.kamelet.location}).
 */
class KameletDefaultsTest {
    private static final String KAMELET = "file:kamelets/emqx-clients-source.kamelet.yaml";
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
    private EmbeddingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        emqx.close();
    }

    @Test
    @DisplayName("with no optional property set, the Kamelet starts and emits the monitored clients under broker 'emqx'")
    void withEveryDefaultTheKameletEmitsTheMonitoredClients() throws Exception {
        Map<String, String> properties = EmbeddingApp.properties(emqx, "qingping-DEADBEEF5678, sleeper-1", 3_600_000);
        properties.put("camel.main.routes-include-pattern", "classpath:kamelet/defaults-route.yaml," + KAMELET);
        properties.put("camel.component.kamelet.location", KAMELET + ",classpath:kamelets");
        app = EmbeddingApp.start(properties);

        MockEndpoint records = app.records();
        records.expectedMessageCount(2);
        records.assertIsSatisfied(10_000);
        Set<String> clients = new HashSet<>();
        for (Exchange exchange : records.getExchanges()) {
            assertEquals("emqx", exchange.getMessage().getHeader("EmqxBroker"), "brokerAlias defaults to emqx");
            clients.add(exchange.getMessage().getHeader("EmqxClientId", String.class));
        }
        assertEquals(Set.of("qingping-DEADBEEF5678", "sleeper-1"), clients);
    }

    @Test
    @DisplayName("two Kamelet routes, one with every default, each poll with a bean of their own")
    void twoKameletRoutesEachPollWithTheirOwnBean() throws Exception {
        Map<String, String> properties = EmbeddingApp.properties(emqx, "qingping-DEADBEEF5678", 3_600_000);
        properties.put("camel.main.routes-include-pattern", "classpath:kamelet/defaults-route.yaml,classpath:kamelet/defaults-route-2.yaml");
        app = EmbeddingApp.start(properties);
        MockEndpoint records = app.records();
        records.expectedMessageCount(2);
        records.assertIsSatisfied(10_000);
        Set<Object> brokers = new HashSet<>();
        records.getExchanges().forEach(e -> brokers.add(e.getMessage().getHeader("EmqxBroker")));
        assertEquals(Set.of("emqx", "second"), brokers);
    }
}
