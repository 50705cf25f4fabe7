package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns the simulated fleet's connects and disconnects into EMQX's events and hands them to the transports: the
 * {@code $SYS/brokers/<node>/clients/<id>/connected|disconnected} payload (research emqx-events.md §1.2) or a rule's
 * output for {@code $events/client_connected|client_disconnected} (§2.2). Like EMQX's own delivery it can lose a share
 * of them, duplicate others and hold some back so they arrive late and out of order, all from one seed.
 */
public final class SimulatedEvents implements FleetEvents {
    public enum Shape { SYS, RULE }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE = "emqx@127.0.0.1";

    private final Shape shape;
    private final Random random;
    private final double dropShare;
    private final double duplicateShare;
    /** An event is held back for up to this many later events (0: in order). */
    private final int maxHold;
    private final List<EventTransport> transports = new CopyOnWriteArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private long connects;
    private long disconnects;
    private long dropped;
    private long sent;

    private record Held(String topic, byte[] payload, int[] remaining) {
    }

    public SimulatedEvents(Shape shape, long seed, double dropShare, double duplicateShare, int maxHold) {
        this.shape = shape;
        this.random = new Random(seed);
        this.dropShare = dropShare;
        this.duplicateShare = duplicateShare;
        this.maxHold = maxHold;
    }

    /** Every event, in order, nothing lost. */
    public static SimulatedEvents faithful(Shape shape) {
        return new SimulatedEvents(shape, 0, 0, 0, 0);
    }

    public SimulatedEvents to(EventTransport transport) {
        transports.add(transport);
        return this;
    }

    @Override
    public void connected(String clientId, Instant connectedAt, boolean cleanStart, int keepalive) {
        ObjectNode event = common(clientId, connectedAt);
        event.put("keepalive", keepalive);
        event.put("clean_start", cleanStart);
        if (shape == Shape.RULE) {
            event.put("event", "client.connected");
            event.put("expiry_interval", cleanStart ? 0 : 7200);
        } else {
            event.put("expiry_interval", cleanStart ? 0 : 7_200_000);
        }
        synchronized (this) {
            connects++;
            offer(topic(clientId, "connected"), event);
        }
    }

    @Override
    public void disconnected(String clientId, Instant connectedAt, Instant disconnectedAt, String reason) {
        ObjectNode event = common(clientId, connectedAt);
        event.put("reason", reason);
        event.put("disconnected_at", disconnectedAt.toEpochMilli());
        if (shape == Shape.RULE) {
            event.put("event", "client.disconnected");
        }
        synchronized (this) {
            disconnects++;
            offer(topic(clientId, "disconnected"), event);
        }
    }

    private ObjectNode common(String clientId, Instant connectedAt) {
        ObjectNode event = JSON.createObjectNode();
        event.put("clientid", clientId);
        event.put("username", "undefined");
        event.put("connected_at", connectedAt.toEpochMilli());
        event.put("proto_name", "MQTT");
        event.put("proto_ver", 5);
        if (shape == Shape.RULE) {
            event.put("peername", "10.0.0.7:52114");
            event.put("sockname", "10.0.0.2:1883");
            event.put("timestamp", connectedAt.toEpochMilli());
            event.put("node", NODE);
            event.putObject("metadata").put("rule_id", "client-events");
        } else {
            event.put("ipaddress", "10.0.0.7");
            event.put("sockport", 1883);
            event.put("protocol", "mqtt");
            event.put("ts", connectedAt.toEpochMilli());
        }
        return event;
    }

    private String topic(String clientId, String what) {
        return shape == Shape.SYS ? "$SYS/brokers/" + NODE + "/clients/" + clientId + "/" + what
                : "$events/client_" + what;
    }

    private void offer(String topic, ObjectNode event) {
        byte[] payload = event.toString().getBytes(StandardCharsets.UTF_8);
        releaseHeld();
        if (random.nextDouble() < dropShare) {
            dropped++;
            return;
        }
        int copies = random.nextDouble() < duplicateShare ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            int hold = maxHold == 0 ? 0 : random.nextInt(maxHold + 1);
            if (hold == 0) {
                deliver(topic, payload);
            } else {
                held.add(new Held(topic, payload, new int[] {hold}));
            }
        }
    }

    private void releaseHeld() {
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (--h.remaining()[0] <= 0) {
                it.remove();
                deliver(h.topic(), h.payload());
            }
        }
    }

    /** Delivers every event still held back. */
    public synchronized void flush() {
        List<Held> rest = new ArrayList<>(held);
        held.clear();
        rest.forEach(h -> deliver(h.topic(), h.payload()));
    }

    private void deliver(String topic, byte[] payload) {
        sent++;
        for (EventTransport transport : transports) {
            transport.send(topic, payload);
        }
    }

    /** The truth: connects the fleet performed. */
    public synchronized long connects() {
        return connects;
    }

    public synchronized long disconnects() {
        return disconnects;
    }

    public synchronized long dropped() {
        return dropped;
    }

    public synchronized long sent() {
        return sent;
    }
}
