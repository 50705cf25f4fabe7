package io.emqxclientmonitor.events.mqtt;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.impl.DefaultCamelContext;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A topic filter reaches the feed route's paho-mqtt5 endpoint unchanged, whatever it holds: {@code $}, {@code +},
 * {@code #}, {@code %}, {@code ?}, {@code &}, spaces, non-ASCII. Through a URI it would not, even percent-encoded:
 * Camel 4.18 reads an encoded {@code ?} as the start of the options and decodes {@code %41} to {@code A}.
 */
class TopicInEndpointUriProperties {
    private static DefaultCamelContext camel;

    @BeforeContainer
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterContainer
    static void stop() {
        camel.stop();
    }

    @Example
    void theDefaultSysFilterSurvives() {
        assertEquals("$SYS/brokers/+/clients/#", topicOf("$SYS/brokers/+/clients/#"));
    }

    @Property(tries = 200, seed = "9")
    void anyFilterSurvives(@ForAll("filters") String filter) {
        assertEquals(filter, topicOf(filter));
    }

    @Example
    void sysFiltersAreReadAsSysEventsAndOthersAsRepublishedRuleOutput() {
        assertEquals("sys", MqttFeedRoutes.transport("$SYS/brokers/+/clients/#"));
        assertEquals("sys", MqttFeedRoutes.transport("$share/g/$SYS/brokers/+/clients/#"));
        assertEquals("republish", MqttFeedRoutes.transport("presence/events"));
    }

    private static String topicOf(String filter) {
        MqttFeedSettings settings = new MqttFeedSettings("emqx", "tcp://127.0.0.1:1", "id", null, null, filter,
                Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(1), null, true, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        try {
            MqttFeedRoutes.install(camel, List.of(settings), FEED_SIGNALS_UNUSED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return camel.getRegistry().lookupByNameAndType(MqttFeedRoutes.endpointBean(0), PahoMqtt5Endpoint.class).getTopic();
    }

    private static final FeedSignals FEED_SIGNALS_UNUSED = new FeedSignals() {
        @Override
        public void feedConnected(String brokerAlias) {
        }

        @Override
        public void feedDown(String brokerAlias, String reason, String message) {
        }
    };

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> level = Arbitraries.oneOf(
                Arbitraries.of("+", "$SYS", "$share", "a b", "100%", "%41", "?x=1&y=2", "é", "日本", "*", "'", "\"", "=", ";"),
                Arbitraries.strings().withCharRange(' ', '~').withChars('é', 'ü', '€').excludeChars('/', '+', '#')
                        .ofMinLength(1).ofMaxLength(6));
        return level.list().ofMinSize(1).ofMaxSize(5)
                .flatMap(levels -> Arbitraries.of("", "/#").map(tail -> String.join("/", levels) + tail));
    }
}
