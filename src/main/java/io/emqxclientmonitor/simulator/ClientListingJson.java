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
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.rows().size() * 1_400);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
            for (ClientRow row : page.rows()) {
                writeRow(g, row);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("meta");
            g.writeNumberField("page", page.page());
            g.writeNumberField("limit", page.limit());
            g.writeBooleanField("hasnext", page.hasNext());
            g.writeNumberField("count", page.count());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeRow(JsonGenerator g, ClientRow row) throws IOException {
        g.writeStartObject();
        g.writeStringField("clientid", row.clientId());
        g.writeStringField("username", row.username());
        g.writeStringField("node", row.onPeerNode() ? peerNodeName() : options.nodeName());
        g.writeBooleanField("connected", row.connected());
        g.writeStringField("created_at", timestamp(row.createdAt()));
        g.writeStringField("connected_at", timestamp(row.connectedAt()));
        if (!row.connected()) {
            g.writeStringField("disconnected_at", timestamp(row.disconnectedAt()));
        }
        g.writeNumberField("keepalive", row.keepalive());
        g.writeNumberField("expiry_interval",
                row.persistentSession() ? SimulatedClient.PERSISTENT_SESSION_EXPIRY.toSeconds() : 0);
        g.writeBooleanField("clean_start", !row.persistentSession());
        g.writeBooleanField("is_persistent", row.persistentSession());
        g.writeStringField("proto_name", "MQTT");
        g.writeNumberField("proto_ver", 5);
        g.writeStringField("ip_address", row.ipAddress());
        g.writeNumberField("port", row.port());
        g.writeNumberField("peerport", row.port());
        g.writeBooleanField("is_bridge", false);
        g.writeStringField("listener", "tcp:default");
        g.writeNullField("mountpoint");
        g.writeBooleanField("enable_authn", true);
        g.writeNullField("peersni");
        g.writeNullField("cn");
        g.writeNullField("dn");
        g.writeObjectFieldStart("client_attrs");
        g.writeEndObject();

        g.writeNumberField("subscriptions_cnt", row.subscriptions());
        g.writeStringField("subscriptions_max", "infinity");
        g.writeNumberField("inflight_cnt", row.inflight());
        g.writeNumberField("inflight_max", 32);
        g.writeNumberField("mqueue_len", 0);
        g.writeNumberField("mqueue_max", 1000);
        g.writeNumberField("awaiting_rel_cnt", 0);
        g.writeNumberField("awaiting_rel_max", 100);
        for (Counter c : Counter.values()) {
            g.writeNumberField(c.jsonKey(), row.counter(c));
        }

        long packets = row.counter(Counter.RECV_PKT) + row.counter(Counter.SEND_PKT);
        g.writeNumberField("heap_size", 610 + Math.min(packets, 10_000));
        g.writeNumberField("mailbox_len", 0);
        g.writeNumberField("reductions", 6_836 + 97 * packets);
        g.writeNumberField("total_payload_bytes", 0);
        if (options.version().reportsDurableSessionFields()) {
            g.writeBooleanField("durable", false);
            g.writeBooleanField("is_expired", false);
        }
        g.writeEndObject();
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
}
