package io.emqxclientmonitor;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.HttpListener;
import io.emqxclientmonitor.config.SettingSources;
import io.emqxclientmonitor.config.Utf8ReadAsLatin1;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.emqx.AbandonPollsOnStop;
import io.emqxclientmonitor.emqx.BrokerPollThreads;
import io.emqxclientmonitor.events.EventFeeds;
import io.emqxclientmonitor.events.EventIntake;
import io.emqxclientmonitor.emqx.EmqxEndpoints;
import io.emqxclientmonitor.emqx.EmqxPollSteps;
import io.emqxclientmonitor.metrics.BrokerMeters;
import io.emqxclientmonitor.metrics.BuildInfoCollector;
import io.emqxclientmonitor.metrics.ClientMetricsCollector;
import io.emqxclientmonitor.metrics.ScrapeResponder;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientsFileWatcher;
import io.emqxclientmonitor.state.RemovedClientRetention;
import io.emqxclientmonitor.state.StateFile;
import io.emqxclientmonitor.state.StateFileWriter;
import io.emqxclientmonitor.web.ApiJson;
import io.emqxclientmonitor.web.BasicAuthGuard;
import io.emqxclientmonitor.web.ClientsApi;
import io.emqxclientmonitor.web.HealthSteps;
import io.emqxclientmonitor.web.HttpSurface;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.component.PropertyConfigurerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds the beans the YAML routes name: {@code emqxPoll}, {@code clientTracker}, {@code metricsRegistry},
 * {@code metricsEndpoint}, {@code healthSteps}, {@code countEmqxRequest} (also as {@code countRetriedRequest}), {@code clientsApi}, {@code apiJson}.
 * Configuration flows in from Camel's properties (application.properties, env, -D). Restores the state file
 * before the first poll and adds the services that write it and that watch the clients files.
 * <p>
 * camel-main finds this class itself: {@code camel.main.configuration-classes} in application.properties (so
 * {@code camel run routes/*.yaml application.properties --dep=…} binds the same beans as {@code java -jar}).
 * Under {@code camel export} (Camel JBang sets {@value #EXPORT} and stubs every missing placeholder with
 * {@value PropertyConfigurerSupport#MAGIC_VALUE}) a stubbed setting reads as unset, nothing is checked against the
 * machine (free port, state file, clients files) and a setting that still does not load is reported, not fatal:
 * export only needs the routes to load.
 */
public class MonitorBeans implements CamelConfiguration {
    /** Tests bind a {@link Clock} under this name to step time by hand. */
    public static final String CLOCK = "monitorClock";
    /** Set by {@code check}: read the state file for history, never write or move it. */
    public static final String STATE_FILE_READ_ONLY = "monitor.state-file-read-only";
    /** A {@code Map<String, String>} from a setting to where the user wrote it (e.g. a key of --cfg's config.yaml). */
    public static final String SETTING_NAMES = "monitorSettingNames";
    /** Bound to {@code true} by {@code check}: one poll, then stop; services that only matter later are not started. */
    public static final String ONE_POLL = "monitorOnePoll";
    /** The initial property Camel JBang sets when it runs an integration to export it. */
    public static final String EXPORT = "camel.jbang.export";
    /** What the beans are built with under camel export when the real settings do not load (never polled). */
    private static final Map<String, String> EXPORT_STUBS = Map.of("emqx.url", "http://localhost:18083/api",
            "emqx.api.key", "camel-export", "emqx.api.secret", "camel-export", "emqx.clients", "camel-export=camel-export");
    /** The name camel-micrometer and camel-micrometer-prometheus look the registry up by. */
    public static final String METRICS_REGISTRY = "metricsRegistry";
    private static final Logger LOG = LoggerFactory.getLogger(MonitorBeans.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        boolean export = isExport(context.getPropertiesComponent());
        SettingSources settings = settings(context.getPropertiesComponent(), export);
        @SuppressWarnings("unchecked")
        Map<String, String> writtenAs = registry.lookupByNameAndType(SETTING_NAMES, Map.class);
        Function<String, String> described = writtenAs == null ? Function.identity() : key -> writtenAs.getOrDefault(key, key);
        ConfigLoader loader = new ConfigLoader(settings::value, settings.keys(), described);
        MonitorConfig config;
        try {
            config = loader.load();
        } catch (ConfigException e) {
            if (!export) {
                throw e;
            }
            LOG.info("camel export: settings not checked ({}); the exported project checks them when it runs", e.getMessage());
            loader = new ConfigLoader(EXPORT_STUBS::get, Set.of(), described);
            config = loader.load();
        }
        if (!export && Boolean.parseBoolean(settings.value("camel.server.enabled"))) {
            HttpListener.fromSettings(settings::value, described).requireFree();
        }
        Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
        int maxRequestLine = loader.maxRequestLine();
        ClientTracker tracker = new ClientTracker(config, clock == null ? Clock.systemUTC() : clock, maxRequestLine);
        tracker.removedClientRetention(RemovedClientRetention.parse(
                settings.value(RemovedClientRetention.SETTING)));

        PrometheusMeterRegistry host = hostRegistry(registry);
        PrometheusMeterRegistry meters = host != null ? host : ownRegistry();
        meters.getPrometheusRegistry().register(new ClientMetricsCollector(tracker, config.flags()));
        meters.getPrometheusRegistry().register(new BuildInfoCollector(BuildInfoCollector.version()));
        meters.getPrometheusRegistry().register(new io.emqxclientmonitor.metrics.ShardInfoCollector(config.shards()));
        for (BrokerState broker : tracker.brokers()) {
            BrokerMeters.register(meters, broker);
        }

        registry.bind("monitorConfig", config);
        registry.bind("clientTracker", tracker);
        registry.bind(METRICS_REGISTRY, meters);
        ScrapeResponder scrapes = new ScrapeResponder(meters, tracker::changes);
        tracker.afterEveryPoll(scrapes::prerender);
        registry.bind("metricsEndpoint", scrapes);
        registry.bind("emqxPoll", new EmqxPollSteps(tracker, new EmqxEndpoints(registry), config.pollInterval()));
        context.addLifecycleStrategy(new AbandonPollsOnStop());
        context.getExecutorServiceManager().registerThreadPoolProfile(
                BrokerPollThreads.profile(config.brokers().size()));
        RouteEditGuard.install(context);
        HttpSurface.install(context, settings::value);
        BasicAuthGuard.protect(context);
        registry.bind("healthSteps", new HealthSteps(context, tracker));
        Processor countRequest = exchange -> {
            var poll = exchange.getProperty(EmqxPollSteps.POLL, io.emqxclientmonitor.emqx.BrokerPoll.class);
            if (poll != null) {
                BrokerMeters.countRequest(meters, poll.brokerAlias());
            }
        };
        registry.bind("countEmqxRequest", countRequest);
        registry.bind("countRetriedRequest", countRequest); // the name routes edited before 1.0 use for retries
        registry.bind("clientsApi", new ClientsApi(tracker));
        Map<String, io.emqxclientmonitor.config.EventFeedConfig> eventFeeds =
                EventFeeds.configure(config, tracker, settings::value, described, meters);
        EventIntake events = new EventIntake(tracker);
        registry.bind("eventFeedConfigs", eventFeeds);
        registry.bind("emqxEvents", events);
        registry.bind("emqxEventsWebhook", new io.emqxclientmonitor.events.EventWebhook(events, eventFeeds));
        io.emqxclientmonitor.events.mqtt.MqttFeedRoutes.install(context,
                new io.emqxclientmonitor.events.mqtt.MqttFeedSettingsReader(settings::value)
                        .read(config.brokers(), eventFeeds, context), events);
        registry.bind("apiJson", ApiJson.mapper());
        registry.bind("emqxPageJson", io.emqxclientmonitor.emqx.ClientsPage.mapper());
        registry.bind("emqxPageBody", new io.emqxclientmonitor.emqx.PageBody());
        if (!export) {
            keepHistory(context, config, tracker, loader.stateFileReadOnly());
        }
        StateFileWriter writer = registry.lookupByNameAndType("stateFileWriter", StateFileWriter.class);
        if (!Boolean.TRUE.equals(registry.lookupByNameAndType(ONE_POLL, Boolean.class))) {
            context.addService(new ClientsFileWatcher(tracker, loader.clientsFileCheck(),
                    () -> {
                        if (writer != null) {
                            writer.requestWrite();
                        }
                    }));
        }
        describe(config);
    }

    /**
     * The host application's Prometheus registry when it has one (camel-micrometer-prometheus binds it as
     * {@value #METRICS_REGISTRY} and serves it on /observe/metrics), so our families land on its endpoint too;
     * else null (we make our own). If the host's comes later, camel-micrometer-prometheus takes ours by the same name.
     */
    private static PrometheusMeterRegistry hostRegistry(Registry registry) {
        PrometheusMeterRegistry host = registry.lookupByNameAndType(METRICS_REGISTRY, PrometheusMeterRegistry.class);
        if (host == null) {
            host = registry.findSingleByType(PrometheusMeterRegistry.class);
        }
        if (host != null) {
            LOG.info("per-client metrics go to the application's own Prometheus registry as well; /metrics serves only the "
                    + "emqx_client_monitor_* families of it");
        }
        return host;
    }

    private static PrometheusMeterRegistry ownRegistry() {
        PrometheusMeterRegistry ours = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ours.config().meterFilter(MeterFilter.ignoreTags("camelContext"));
        return ours;
    }

    /**
     * Our settings from every source (see {@link SettingSources}); what env and -D set is handed to Camel's
     * placeholders too, below the override properties, so that the routes see the same values.
     */
    private static SettingSources settings(PropertiesComponent properties, boolean export) {
        Properties overrides = properties instanceof org.apache.camel.component.properties.PropertiesComponent camel
                && camel.getOverrideProperties() != null ? camel.getOverrideProperties() : new Properties();
        Set<String> fileKeys = new java.util.HashSet<>(properties.loadProperties().stringPropertyNames());
        fileKeys.removeAll(overrides.stringPropertyNames());
        boolean readAsLatin1 = !readsUtf8(properties);
        Set<String> repairedKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SettingSources settings = SettingSources.of(overrides, System.getProperties(), System.getenv(), fileKeys,
                key -> {
                    String value = resolve(properties, key);
                    if (export && value != null && value.contains(PropertyConfigurerSupport.MAGIC_VALUE)) {
                        return null;
                    }
                    if (readAsLatin1 && value != null) {
                        var repaired = Utf8ReadAsLatin1.repaired(value);
                        if (repaired.isPresent()) {
                            if (repairedKeys.add(key)) {
                                // never the value: it may be a secret
                                LOG.warn("{} in the properties file is UTF-8 that Camel read as ISO-8859-1 (its default for "
                                        + "properties files); using it as UTF-8. To silence this, write non-ASCII characters as "
                                        + "\\uXXXX escapes (ü as \\u00fc) or set Camel's properties encoding to UTF-8", key);
                            }
                            return repaired.get();
                        }
                    }
                    return value;
                });
        settings.layered().forEach((key, value) -> {
            if (!overrides.containsKey(key)) {
                properties.addOverrideProperty(key, value);
            }
        });
        return settings;
    }

    private static boolean readsUtf8(PropertiesComponent properties) {
        return properties instanceof org.apache.camel.component.properties.PropertiesComponent camel
                && camel.getEncoding() != null && java.nio.charset.Charset.forName(camel.getEncoding()).equals(StandardCharsets.UTF_8);
    }

    private static boolean isExport(PropertiesComponent properties) {
        try {
            return "true".equalsIgnoreCase(properties.resolveProperty(EXPORT).orElse(null));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A value of application.properties; Camel reads {{ as a placeholder there, so a bad one is named. */
    private static String resolve(PropertiesComponent properties, String key) {
        try {
            return properties.resolveProperty(key).orElse(null);
        } catch (RuntimeException e) {
            // Camel's message quotes the value, which may be a secret
            throw new ConfigException(key + " in application.properties has a Camel placeholder ({{…}}) that cannot be"
                    + " resolved: give a value containing {{ as an environment variable or -D instead");
        }
    }

    /** Restores the state file now, before the first poll; saves it after every poll and at shutdown. */
    private static void keepHistory(CamelContext context, MonitorConfig config, ClientTracker tracker, boolean readOnly)
            throws Exception {
        if (config.stateFile() == null) {
            return;
        }
        StateFile file = new StateFile(config.stateFile(), tracker.clock());
        file.load(tracker, readOnly);
        if (!readOnly) {
            StateFileWriter writer = new StateFileWriter(file, tracker);
            tracker.onPollCompleted(broker -> writer.requestWrite());
            context.getRegistry().bind("stateFileWriter", writer);
            context.addService(writer);
        }
    }

    private static void describe(MonitorConfig config) {
        if (config.shards().sharded()) {
            LOG.info("{} (monitor.shard, monitor.total-shards): watching only the clients this shard owns", config.shards());
        }
        for (BrokerConfig broker : config.brokers()) {
            LOG.info("broker {}: polling {} every {} s for {} monitored client(s)", broker.alias(), broker.apiUrl(),
                    config.pollInterval().toSeconds(), broker.clients().size());
            if (broker.pattern().configured()) {
                LOG.info("broker {}: also watching up to {} client(s) matching {} (monitor.max-clients), forgotten after {} "
                        + "unlisted (monitor.forget-after)", broker.alias(), broker.pattern().maxClients(),
                        broker.pattern().describe(), broker.pattern().forgetAfter());
            }
            if (broker.tls().insecure() && "https".equalsIgnoreCase(broker.apiUrl().getScheme())) {
                LOG.warn("broker {}: TLS certificate and host name checks are OFF (emqx.tls.insecure=true): anyone on the "
                        + "network path can read the API secret; use emqx.tls.ca-bundle instead", broker.alias());
            }
        }
    }
}
