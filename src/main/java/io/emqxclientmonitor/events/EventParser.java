package io.emqxclientmonitor.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads EMQX's client events: the {@code $SYS/brokers/<node>/clients/<id>/connected|disconnected} payload (research
 * emqx-events.md §1.2) and a rule's output for {@code $events/client_connected|client_disconnected} (§2.2), as one
 * object or an array of them. The client id comes from the JSON only, never from a topic (ids may hold {@code / + #}).
 * Anything that is not such an event is null (invalid), never an exception.
 */
public final class EventParser {
    /** A webhook body or MQTT payload larger than this is refused before parsing (EMQX's own are below 2 KiB). */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_EVENTS_PER_BODY = 1000;
    static final int MAX_NESTING_DEPTH = 16;
    static final int MAX_CLIENT_ID_CHARS = 65_535;
    /** Epoch values below this are seconds, not milliseconds (10^11 ms is 1973, 10^11 s is the year 5138). */
    static final long SECONDS_BELOW = 100_000_000_000L;
    /** EMQX 5 did not exist before this: an earlier time is garbage. */
    static final Instant EARLIEST = Instant.parse("2015-01-01T00:00:00Z");
    /**
     * How far EMQX's clock may run ahead of ours. A session from further ahead would stay the client's "current" one
     * against every poll until our clock got there, so such an event is invalid (counted, visible) instead.
     */
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(40).maxStringLength(MAX_BODY_BYTES).build())
            .build()).build();

    private EventParser() {
    }

    /** The events in a body; null if the body is not JSON or holds no event; invalid elements of an array are nulls. */
    public static List<ClientEvent> parse(byte[] body, String topic, Instant now) {
        if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (root == null) {
            return null;
        }
        List<ClientEvent> events = new ArrayList<>(1);
        if (root.isArray()) {
            if (root.isEmpty() || root.size() > MAX_EVENTS_PER_BODY) {
                return null;
            }
            for (JsonNode element : root) {
                events.add(event(element, null, now));
            }
        } else {
            events.add(event(root, topic, now));
        }
        return events;
    }

    static ClientEvent event(JsonNode node, String topic, Instant now) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode id = node.get("clientid");
        if (id == null || !id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > MAX_CLIENT_ID_CHARS) {
            return null;
        }
        ClientEvent.Kind kind = kind(node, topic);
        if (kind == null) {
            return null;
        }
        Instant connectedAt;
        Instant disconnectedAt;
        try {
            connectedAt = time(node.get("connected_at"), now);
            disconnectedAt = kind == ClientEvent.Kind.DISCONNECTED ? time(node.get("disconnected_at"), now) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (kind == ClientEvent.Kind.CONNECTED) {
            return connectedAt == null ? null : inSeconds(ClientEvent.connected(id.textValue(), connectedAt), node);
        }
        JsonNode reason = node.get("reason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            return null;
        }
        if (connectedAt != null && disconnectedAt != null
                && disconnectedAt.isBefore(connectedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
            return null; // a connection cannot end before it began
        }
        return inSeconds(ClientEvent.disconnected(id.textValue(), connectedAt, disconnectedAt,
                reason == null || reason.isNull() ? null : reason.textValue()), node);
    }

    private static ClientEvent inSeconds(ClientEvent event, JsonNode node) {
        JsonNode connectedAt = node.get("connected_at");
        return connectedAt != null && connectedAt.isIntegralNumber() && connectedAt.longValue() < SECONDS_BELOW
                ? event.inSeconds() : event;
    }

    /** The rule shape names its event; the $SYS shape is told by the topic's last level, else by its fields. */
    private static ClientEvent.Kind kind(JsonNode node, String topic) {
        JsonNode event = node.get("event");
        if (event != null) {
            if (!event.isTextual()) {
                return null;
            }
            return switch (event.textValue()) {
                case "client.connected" -> ClientEvent.Kind.CONNECTED;
                case "client.disconnected" -> ClientEvent.Kind.DISCONNECTED;
                default -> null;
            };
        }
        if (topic != null) {
            if (topic.endsWith("/connected")) {
                return ClientEvent.Kind.CONNECTED;
            }
            if (topic.endsWith("/disconnected")) {
                return ClientEvent.Kind.DISCONNECTED;
            }
        }
        return node.has("reason") || node.has("disconnected_at") ? ClientEvent.Kind.DISCONNECTED
                : node.has("keepalive") || node.has("clean_start") || node.has("connected_at") ? ClientEvent.Kind.CONNECTED : null;
    }

    /** Epoch ms (or s); absent, null or EMQX's "undefined" is null; anything else is an IllegalArgumentException. */
    private static Instant time(JsonNode value, Instant now) {
        if (value == null || value.isNull() || (value.isTextual() && value.textValue().equals("undefined"))) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw new IllegalArgumentException("not an epoch time");
        }
        long v = value.longValue();
        Instant at = v < SECONDS_BELOW ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v);
        if (at.isBefore(EARLIEST) || at.isAfter(now.plus(MAX_FUTURE))) {
            throw new IllegalArgumentException("out of range");
        }
        return at;
    }
}
