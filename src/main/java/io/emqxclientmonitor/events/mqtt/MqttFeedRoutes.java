package io.emqxclientmonitor.events.mqtt;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Makes the feed's route of every broker with the MQTT feed on, from the template in routes/emqx-events-mqtt.yaml. */
public final class MqttFeedRoutes {
    private MqttFeedRoutes() {
    }

    /**
     * The topic filter for the endpoint URI, every reserved character percent-encoded: {@code #} would start a URI
     * fragment, {@code ?} the options, {@code %} an escape; Camel decodes the path back to the filter.
     */
    public static String encodeTopic(String topicFilter) {
        // URLEncoder writes a space as + (and a + as %2B)
        return URLEncoder.encode(topicFilter, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    }
}
