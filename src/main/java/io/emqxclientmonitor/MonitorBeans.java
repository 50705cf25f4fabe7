package io.emqxclientmonitor;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.emqx.EmqxEndpoints;
import io.emqxclientmonitor.emqx.EmqxPollSteps;
import io.emqxclientmonitor.metrics.BrokerMeters;
import io.emqxclientmonitor.metrics.BuildInfoCollector;
import io.emqxclientmonitor.metrics.ClientMetricsCollector;
import io.emqxclientmonitor.metrics.ScrapeResponder;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.web.HealthSteps;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Set;

/**
 * Binds the beans the YAML routes name: {@code emqxPoll}, {@code clientTracker}, {@code metricsRegistry},
 * {@code metricsEndpoint}, {@code healthSteps}, {@code countRetriedRequest}. Configuration flows in from
 * Camel's properties (application.properties, env, -D).
 */
public class MonitorBeans implements CamelConfiguration {
    /** Tests bind a {@link Clock} under this name to step time by hand. */
    public static final String CLOCK = "monitorClock";
    private static final Logger LOG = LoggerFactory.getLogger(MonitorBeans.class);

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Set<String> keys = properties.loadProperties().stringPropertyNames();
        MonitorConfig config = new ConfigLoader(key -> properties.resolveProperty(key).orElse(null), keys).load();
        Registry registry = context.getRegistry();
        Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
        int maxRequestLine = Integer.parseInt(properties.resolveProperty("emqx.max-request-line").orElse("8000"));
        ClientTracker tracker = new ClientTracker(config, clock == null ? Clock.systemUTC() : clock, maxRequestLine);

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().meterFilter(MeterFilter.ignoreTags("camelContext"));
        meters.getPrometheusRegistry().register(new ClientMetricsCollector(tracker, config.flags()));
        meters.getPrometheusRegistry().register(new BuildInfoCollector(BuildInfoCollector.version()));
        for (BrokerState broker : tracker.brokers()) {
            BrokerMeters.register(meters, broker);
        }

        registry.bind("monitorConfig", config);
        registry.bind("clientTracker", tracker);
        registry.bind("metricsRegistry", meters);
        registry.bind("metricsEndpoint", new ScrapeResponder(meters));
        registry.bind("emqxPoll", new EmqxPollSteps(tracker, new EmqxEndpoints(registry)));
        registry.bind("healthSteps", new HealthSteps(context, tracker));
        registry.bind("countRetriedRequest", (Processor) exchange -> {
            var poll = exchange.getProperty(EmqxPollSteps.POLL, io.emqxclientmonitor.emqx.BrokerPoll.class);
            if (poll != null) {
                BrokerMeters.countRequest(meters, poll.brokerAlias());
            }
        });
        describe(config);
    }

    private static void describe(MonitorConfig config) {
        for (BrokerConfig broker : config.brokers()) {
            LOG.info("broker {}: polling {} every {} s for {} monitored client(s)", broker.alias(), broker.apiUrl(),
                    config.pollInterval().toSeconds(), broker.clients().size());
            if (broker.tls().insecure()) {
                LOG.warn("broker {}: TLS certificate and host name checks are OFF (emqx.tls.insecure=true): anyone on the "
                        + "network path can read the API secret; use emqx.tls.ca-bundle instead", broker.alias());
            }
        }
    }
}
