package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.events.EventIntake;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.model.Model;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Makes the feed route of every broker with the MQTT feed on, from the template {@value #TEMPLATE} in
 * routes/emqx-events-mqtt.yaml: route {@code emqx-events-mqtt-<broker alias>}, reading the paho-mqtt5 endpoint bean
 * {@code emqxEventsMqtt<n>} (n counts the feeds from 1; an alias may hold any character, a bean name in a URI may
 * not) whose client is a {@link MqttFeed}, a service of the context stopped with it. The endpoint is built here,
 * not from a URI, so the topic filter arrives whole (Camel reads a {@code ?} in a URI as the options and decodes
 * {@code %} escapes). With the feed off nothing is made, and no route depends on the template.
 */
public final class MqttFeedRoutes implements StartupListener {
    public static final String TEMPLATE = "emqx-events-mqtt";
    public static final String ROUTE_PREFIX = TEMPLATE + "-";
    /** paho-mqtt5 would subscribe with QoS 2 by default; EMQX sends $SYS with QoS 0 and a republish with its QoS. */
    private static final int QOS = 1;

    private final List<MqttFeedSettings> feeds;
    private boolean added;

    private MqttFeedRoutes(List<MqttFeedSettings> feeds) {
        this.feeds = List.copyOf(feeds);
    }

    /** The feeds report to the state's intake (bean {@code emqxEvents}). */
    public static void install(CamelContext context, List<MqttFeedSettings> feeds, EventIntake intake) throws Exception {
        install(context, feeds, new FeedSignals() {
            @Override
            public void feedConnected(String brokerAlias) {
                intake.feedConnected(brokerAlias);
            }

            @Override
            public void feedDown(String brokerAlias, String reason, String message) {
                intake.feedDown(brokerAlias, reason, message);
            }
        });
    }

    /**
     * Binds an endpoint per feed now; the routes are added once the context has started (the template is loaded
     * then; a route added while it starts is not started).
     */
    public static void install(CamelContext context, List<MqttFeedSettings> feeds, FeedSignals signals)
            throws Exception {
        if (feeds.isEmpty()) {
            return;
        }
        PahoMqtt5Component component = context.getComponent("paho-mqtt5", PahoMqtt5Component.class);
        for (int i = 0; i < feeds.size(); i++) {
            MqttFeedSettings settings = feeds.get(i);
            MqttFeed feed = new MqttFeed(settings, signals);
            PahoMqtt5Configuration configuration = component.getConfiguration().copy();
            configuration.setQos(QOS);
            configuration.setBrokerUrl(settings.url());
            configuration.setClientId(settings.clientId());
            PahoMqtt5Endpoint endpoint = new PahoMqtt5Endpoint("paho-mqtt5:" + encodeTopic(settings.topic()),
                    settings.topic(), component, configuration);
            endpoint.setClient(feed.client());
            context.getRegistry().bind(endpointBean(i), endpoint);
            context.addService(feed, true, true);
        }
        context.addStartupListener(new MqttFeedRoutes(feeds));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes come once it has fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (added) {
            return;
        }
        added = true;
        if (context.getCamelContextExtension().getContextPlugin(Model.class).getRouteTemplateDefinition(TEMPLATE) == null) {
            throw new ConfigException("emqx.events.mqtt.url is set but the route template " + TEMPLATE
                    + " is missing: restore routes/emqx-events-mqtt.yaml");
        }
        for (int i = 0; i < feeds.size(); i++) {
            MqttFeedSettings settings = feeds.get(i);
            TemplatedRouteBuilder.builder(context, TEMPLATE)
                    .routeId(ROUTE_PREFIX + settings.brokerAlias())
                    .parameter("broker", settings.brokerAlias())
                    .parameter("transport", transport(settings.topic()))
                    .parameter("endpoint", endpointBean(i))
                    .add();
        }
    }

    static String endpointBean(int index) {
        return "emqxEventsMqtt" + (index + 1);
    }

    /**
     * How the intake reads the messages: EMQX's {@code $SYS} client events (their filter names {@code $SYS/}, also
     * under a prefix), else a rule's republished output.
     */
    static String transport(String topicFilter) {
        return topicFilter.contains("$SYS/") ? "sys" : "republish";
    }

    /** The topic filter percent-encoded, for the endpoint's URI (shown in Camel's route list only). */
    static String encodeTopic(String topicFilter) {
        // URLEncoder writes a space as + (and a + as %2B)
        return URLEncoder.encode(topicFilter, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    }
}
