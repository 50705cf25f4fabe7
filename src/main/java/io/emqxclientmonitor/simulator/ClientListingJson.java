package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Renders a {@link ClientPage} as EMQX's {@code {"data":[…],"meta":{…}}}. Each row is a flat object
 * with the keys of the 5.8/HEAD client example, dotted counter keys kept literal, plus a few
 * keys real brokers add ({@code peersni}, {@code cn}, {@code dn}, {@code client_attrs}).
 */
final class ClientListingJson {

    private static final String TAKEOVER_PEER_SUFFIX = "-old";

    private final JsonFactory json;
    private final SimulatorOptions options;

    ClientListingJson(JsonFactory json, SimulatorOptions options) {
        this.json = json;
        this.options = options;
    }

    byte[] render(ClientPage page) {
        return render(page, FieldSchema.ALL);
    }

    /** @param fields the row keys to write (EMQX 5.6+'s {@code fields=}); {@link FieldSchema#ALL} for every key */
    byte[] render(ClientPage page, java.util.function.Predicate<String> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.rows().size() * 1_400);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
            for (ClientRow row : page.rows()) {
                writeRow(new Row(g, fields), row);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("meta");
            g.writeNumberField("page", page.page());
            g.writeNumberField("limit", page.limit());
            g.writeBooleanField("hasnext", page.hasNext());
            if (page.count() >= 0) { // EMQX sends no count for like_* queries (a full table walk)
                g.writeNumberField("count", page.count());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeRow(Row g, ClientRow row) throws IOException {
        g.start();
        g.string("clientid", row.clientId());
        g.string("username", row.username());
        g.string("node", row.onPeerNode() ? peerNodeName() : options.nodeName());
        g.bool("connected", row.connected());
        g.string("created_at", timestamp(row.createdAt()));
        g.string("connected_at", timestamp(row.connectedAt()));
        if (!row.connected()) {
            g.string("disconnected_at", timestamp(row.disconnectedAt()));
        }
        g.number("keepalive", row.keepalive());
        g.number("expiry_interval",
                row.persistentSession() ? SimulatedClient.PERSISTENT_SESSION_EXPIRY.toSeconds() : 0);
        g.bool("clean_start", !row.persistentSession());
        g.bool("is_persistent", row.persistentSession());
        g.string("proto_name", "MQTT");
        g.number("proto_ver", 5);
        g.string("ip_address", row.ipAddress());
        g.number("port", row.port());
        g.number("peerport", row.port());
        g.bool("is_bridge", false);
        g.string("listener", "tcp:default");
        g.nothing("mountpoint");
        g.bool("enable_authn", true);
        g.nothing("peersni");
        g.nothing("cn");
        g.nothing("dn");
        g.emptyObject("client_attrs");

        g.number("subscriptions_cnt", row.subscriptions());
        g.string("subscriptions_max", "infinity");
        g.number("inflight_cnt", row.inflight());
        g.number("inflight_max", 32);
        g.number("mqueue_len", 0);
        g.number("mqueue_max", 1000);
        g.number("awaiting_rel_cnt", 0);
        g.number("awaiting_rel_max", 100);
        for (Counter c : Counter.values()) {
            g.number(c.jsonKey(), row.counter(c));
        }

        long packets = row.counter(Counter.RECV_PKT) + row.counter(Counter.SEND_PKT);
        g.number("heap_size", 610 + Math.min(packets, 10_000));
        g.number("mailbox_len", 0);
        g.number("reductions", 6_836 + 97 * packets);
        g.number("total_payload_bytes", 0);
        if (options.version().reportsDurableSessionFields()) {
            g.bool("durable", false);
            g.bool("is_expired", false);
        }
        g.end();
    }

    private String timestamp(Instant instant) {
        return EmqxTimestamps.format(instant, options.nodeOffset());
    }

    /** The node that held the stale half of a takeover, e.g. {@code emqx-old@127.0.0.1}. */
    private String peerNodeName() {
        String name = options.nodeName();
        int at = name.indexOf('@');
        return at < 0 ? name + TAKEOVER_PEER_SUFFIX : name.substring(0, at) + TAKEOVER_PEER_SUFFIX + name.substring(at);
    }

    /** One row's writer: keys outside the requested fields are not written. */
    private record Row(JsonGenerator g, java.util.function.Predicate<String> fields) {
        void start() throws IOException {
            g.writeStartObject();
        }

        void end() throws IOException {
            g.writeEndObject();
        }

        void string(String key, String value) throws IOException {
            if (fields.test(key)) {
                g.writeStringField(key, value);
            }
        }

        void number(String key, long value) throws IOException {
            if (fields.test(key)) {
                g.writeNumberField(key, value);
            }
        }

        void bool(String key, boolean value) throws IOException {
            if (fields.test(key)) {
                g.writeBooleanField(key, value);
            }
        }

        void nothing(String key) throws IOException {
            if (fields.test(key)) {
                g.writeNullField(key);
            }
        }

        void emptyObject(String key) throws IOException {
            if (fields.test(key)) {
                g.writeObjectFieldStart(key);
                g.writeEndObject();
            }
        }
    }
}
