package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.state.DurationHistogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.emqxclientmonitor.events.DisconnectReason;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import static io.emqxclientmonitor.emqx.EmqxCounter.*;

/**
 * The per-client families, built at scrape time from the tracker's state. Series exist exactly for the clients
 * configured now (removed clients vanish at once), and a scrape never waits for EMQX.
 *
 * <p>Families, names, types, labels and flags are the reference exporter's; {@code connects}, {@code disconnects}
 * and the last-seen/last-disconnect timestamps are ours (flag {@code metrics.enable-session-metrics}), and so are the
 * session-duration and offline-duration histograms (flag {@code metrics.enable-session-histograms}).
 */
public final class ClientMetricsCollector implements MultiCollector {
    static final String PREFIX = "emqx_client_monitor_";
    /** Histogram upper bounds with +Inf, shared by every data point. */
    private static final double[] HISTOGRAM_BOUNDS = withInfinity(DurationHistogram.boundsSeconds());

    private final ClientTracker tracker;
    private final MetricFlags flags;
    private volatile Ordered ordered;
    private final java.util.Set<String> failedClients = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientMetricsCollector.class);

    public ClientMetricsCollector(ClientTracker tracker, MetricFlags flags) {
        this.tracker = tracker;
        this.flags = flags;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Ordered order = order();
        for (int i = 0; i < order.states().size(); i++) {
            if (!order.brokers().get(i).health().everSucceeded()) {
                continue; // no per-client series before we know anything
            }
            ClientView client = order.states().get(i).viewWithoutEvents();
            boolean reasons = order.brokers().get(i).eventFeed().metricsOn();
            if (!client.polled()) {
                continue; // configured since the last poll: its series appear with its first poll
            }
            int[] mark = f.mark();
            try {
                add(f, client, order.labels().get(i));
                if (reasons && flags.sessionMetrics()) {
                    addReasons(f, client, order.labels().get(i));
                }
            } catch (RuntimeException e) {
                f.rollback(mark); // this client's series are left out; every other client's are exported
                if (failedClients.add(client.broker() + "/" + client.clientId())) {
                    LOG.warn("broker {}: the series of client {} cannot be exported ({}); they are left out of /metrics",
                            client.broker(), client.alias(), e.toString());
                }
            }
        }
        return f.snapshots();
    }

    /**
     * Every configured client with its broker and label sets, in the order client_java sorts data points (by label
     * values: alias, broker, client_id, then direction…), so that its sort of each family finds a sorted list
     * (linear instead of n log n label comparisons). Kept until the configuration changes.
     */
    private record Ordered(List<Collection<ClientState>> configuration, List<ClientState> states,
                           List<BrokerState> brokers, List<ClientLabels> labels) {
    }

    private Ordered order() {
        List<Collection<ClientState>> configuration = new ArrayList<>();
        for (BrokerState broker : tracker.brokers()) {
            configuration.add(broker.clients());
        }
        Ordered order = ordered;
        if (order != null && sameIdentities(order.configuration(), configuration)) {
            return order;
        }
        record Entry(String alias, String broker, String clientId, ClientState state, BrokerState brokerState) {
        }
        List<Entry> entries = new ArrayList<>();
        for (BrokerState broker : tracker.brokers()) {
            for (ClientState state : broker.clients()) {
                entries.add(new Entry(state.client().alias(), broker.alias(), state.client().clientId(), state, broker));
            }
        }
        entries.sort(Comparator.comparing(Entry::alias).thenComparing(Entry::broker).thenComparing(Entry::clientId));
        List<ClientState> states = new ArrayList<>(entries.size());
        List<BrokerState> brokers = new ArrayList<>(entries.size());
        List<ClientLabels> labels = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            states.add(entry.state());
            brokers.add(entry.brokerState());
            labels.add(new ClientLabels(entry.broker(), entry.alias(), entry.clientId(), flags));
        }
        order = new Ordered(configuration, states, brokers, labels);
        ordered = order;
        return order;
    }

    private static boolean sameIdentities(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<String> getPrometheusNames() {
        return Families.NAMES;
    }


    private void add(Families f, ClientView c, ClientLabels l) {
        f.connected.add(gauge(l.client, c.connected() ? 1 : 0));
        if (!c.seen()) {
            return;
        }
        if (flags.subscriptionCount()) {
            f.subscriptions.add(gauge(l.client, c.subscriptions()));
        }
        if (flags.inflightMetrics()) {
            f.inflights.add(gauge(l.client, c.inflight()));
        }
        if (flags.dates()) {
            addTimestamp(f.createdAt, l.client, c.createdAt());
            addTimestamp(f.connectedAt, l.client, c.connectedAt());
        }
        if (flags.processedCounters()) {
            f.processed.add(counter(l.rx, c.counter(RECV_MSG)));
            f.processed.add(counter(l.tx, c.counter(SEND_MSG)));
            if (flags.qosSplit()) {
                EmqxCounter[] rx = {RECV_MSG_QOS0, RECV_MSG_QOS1, RECV_MSG_QOS2};
                EmqxCounter[] tx = {SEND_MSG_QOS0, SEND_MSG_QOS1, SEND_MSG_QOS2};
                for (int qos = 0; qos < 3; qos++) {
                    f.processedByQos.add(counter(l.rxQos[qos], c.counter(rx[qos])));
                }
                for (int qos = 0; qos < 3; qos++) {
                    f.processedByQos.add(counter(l.txQos[qos], c.counter(tx[qos])));
                }
            }
        }
        if (flags.droppedCounters()) {
            f.dropped.add(counter(l.rx, c.counter(RECV_MSG_DROPPED)));
            f.dropped.add(counter(l.tx, c.counter(SEND_MSG_DROPPED)));
            if (flags.reasonSplit()) {
                f.droppedByReason.add(counter(l.rxAwaitPubrelTimeout, c.counter(RECV_MSG_DROPPED_AWAIT_PUBREL_TIMEOUT)));
                f.droppedByReason.add(counter(l.txExpired, c.counter(SEND_MSG_DROPPED_EXPIRED)));
                f.droppedByReason.add(counter(l.txQueueFull, c.counter(SEND_MSG_DROPPED_QUEUE_FULL)));
                f.droppedByReason.add(counter(l.txTooLarge, c.counter(SEND_MSG_DROPPED_TOO_LARGE)));
            }
        }
        if (flags.bytesMetrics()) {
            f.bytes.add(counter(l.rx, c.counter(RECV_OCT)));
            f.bytes.add(counter(l.tx, c.counter(SEND_OCT)));
        }
        if (flags.packetMetrics()) {
            f.packets.add(counter(l.rx, c.counter(RECV_PKT)));
            f.packets.add(counter(l.tx, c.counter(SEND_PKT)));
        }
        if (flags.sessionMetrics()) {
            f.connects.add(counter(l.client, c.connects()));
            f.disconnects.add(counter(l.client, c.disconnects()));
            addTimestamp(f.lastSeen, l.client, c.lastSeen());
            addTimestamp(f.lastDisconnect, l.client, c.lastDisconnect());
        }
        if (flags.sessionHistograms()) {
            f.sessionDurations.add(histogram(l.client, c.sessionDurations()));
            f.offlineDurations.add(histogram(l.client, c.offlineDurations()));
        }
    }

    /** Drops by EMQX's reason (ours; with the event feed on): only the reasons the client has had, at most 23. */
    private static void addReasons(Families f, ClientView c, ClientLabels l) {
        long[] byReason = c.disconnectsByReason();
        if (byReason == null) {
            return;
        }
        for (int i : REASONS_SORTED) {
            if (byReason[i] > 0) {
                f.disconnectsByReason.add(counter(l.client.add("reason", DisconnectReason.LABELS.get(i)), byReason[i]));
            }
        }
    }

    private static final int[] REASONS_SORTED = java.util.stream.IntStream.range(0, DisconnectReason.LABELS.size()).boxed()
            .sorted(Comparator.comparing(DisconnectReason.LABELS::get)).mapToInt(Integer::intValue).toArray();

    private static HistogramDataPointSnapshot histogram(Labels labels, DurationHistogram.Snapshot snapshot) {
        return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(HISTOGRAM_BOUNDS, snapshot.counts()),
                snapshot.sumSeconds(), labels, null, 0);
    }

    private static double[] withInfinity(double[] bounds) {
        double[] all = java.util.Arrays.copyOf(bounds, bounds.length + 1);
        all[bounds.length] = Double.POSITIVE_INFINITY;
        return all;
    }

    private static void addTimestamp(List<GaugeDataPointSnapshot> family, Labels labels, Instant at) {
        if (at != null) {
            family.add(gauge(labels, at.toEpochMilli() / 1000.0));
        }
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return new GaugeDataPointSnapshot(value, labels, null);
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
        return new CounterDataPointSnapshot(value, labels, null, 0);
    }

    /** One list of data points per family, in exposition order. */
    private static final class Families {
        static final List<String> NAMES = List.of(PREFIX + "connected", PREFIX + "subscriptions", PREFIX + "inflights",
                PREFIX + "created_at", PREFIX + "connected_at", PREFIX + "messages_processed",
                PREFIX + "messages_processed_by_qos", PREFIX + "messages_dropped", PREFIX + "messages_dropped_by_reason",
                PREFIX + "bytes", PREFIX + "packets", PREFIX + "connects", PREFIX + "disconnects",
                PREFIX + "last_seen_timestamp_seconds", PREFIX + "last_disconnect_timestamp_seconds",
                PREFIX + "session_duration_seconds", PREFIX + "offline_duration_seconds", PREFIX + "disconnects_by_reason");

        final List<GaugeDataPointSnapshot> connected = new ArrayList<>();
        final List<GaugeDataPointSnapshot> subscriptions = new ArrayList<>();
        final List<GaugeDataPointSnapshot> inflights = new ArrayList<>();
        final List<GaugeDataPointSnapshot> createdAt = new ArrayList<>();
        final List<GaugeDataPointSnapshot> connectedAt = new ArrayList<>();
        final List<CounterDataPointSnapshot> processed = new ArrayList<>();
        final List<CounterDataPointSnapshot> processedByQos = new ArrayList<>();
        final List<CounterDataPointSnapshot> dropped = new ArrayList<>();
        final List<CounterDataPointSnapshot> droppedByReason = new ArrayList<>();
        final List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        final List<CounterDataPointSnapshot> packets = new ArrayList<>();
        final List<CounterDataPointSnapshot> connects = new ArrayList<>();
        final List<CounterDataPointSnapshot> disconnects = new ArrayList<>();
        final List<GaugeDataPointSnapshot> lastSeen = new ArrayList<>();
        final List<GaugeDataPointSnapshot> lastDisconnect = new ArrayList<>();
        final List<HistogramDataPointSnapshot> sessionDurations = new ArrayList<>();
        final List<HistogramDataPointSnapshot> offlineDurations = new ArrayList<>();
        final List<CounterDataPointSnapshot> disconnectsByReason = new ArrayList<>();

        private List<List<?>> all() {
            return List.of(connected, subscriptions, inflights, createdAt, connectedAt, processed, processedByQos, dropped,
                    droppedByReason, bytes, packets, connects, disconnects, lastSeen, lastDisconnect, sessionDurations,
                    offlineDurations, disconnectsByReason);
        }

        /** The size of every list, to {@link #rollback} a client whose data points could not all be made. */
        int[] mark() {
            List<List<?>> lists = all();
            int[] sizes = new int[lists.size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = lists.get(i).size();
            }
            return sizes;
        }

        void rollback(int[] mark) {
            List<List<?>> lists = all();
            for (int i = 0; i < mark.length; i++) {
                List<?> list = lists.get(i);
                list.subList(mark[i], list.size()).clear();
            }
        }

        MetricSnapshots snapshots() {
            MetricSnapshots.Builder all = MetricSnapshots.builder();
            gauge(all, "connected", "Whether the monitored client is connected to EMQX (1) or not (0); 0 also while EMQX does not list it", connected);
            gauge(all, "subscriptions", "Number of subscriptions of the client's session", subscriptions);
            gauge(all, "inflights", "Number of QoS 1/2 messages sent to the client and not yet acknowledged", inflights);
            gauge(all, "created_at", "Time the client's session was created, in Unix epoch seconds", createdAt);
            gauge(all, "connected_at", "Time the client last connected, in Unix epoch seconds", connectedAt);
            counter(all, "messages_processed", "PUBLISH messages received from the client (rx) and sent to it (tx), over all its connections", processed);
            counter(all, "messages_processed_by_qos", "PUBLISH messages received from (rx) and sent to (tx) the client, by QoS", processedByQos);
            counter(all, "messages_dropped", "Messages from (rx) or to (tx) the client that EMQX dropped", dropped);
            counter(all, "messages_dropped_by_reason", "Messages from (rx) or to (tx) the client that EMQX dropped, by reason (tx qos0 drops have no reason)", droppedByReason);
            counter(all, "bytes", "Bytes received from (rx) and sent to (tx) the client on its socket", bytes);
            counter(all, "packets", "MQTT packets of any type received from (rx) and sent to (tx) the client", packets);
            counter(all, "connects", "Connections of the client seen by the exporter (from EMQX's connected_at)", connects);
            counter(all, "disconnects", "Disconnections of the client seen by the exporter", disconnects);
            gauge(all, "last_seen_timestamp_seconds", "Time of the last poll that found the client connected, in Unix epoch seconds", lastSeen);
            gauge(all, "last_disconnect_timestamp_seconds", "Time the client was last seen to disconnect, in Unix epoch seconds", lastDisconnect);
            histogram(all, "session_duration_seconds", "Durations of the client's completed connections, from connect to drop, as seen by the exporter", sessionDurations);
            histogram(all, "offline_duration_seconds", "Durations of the client's completed offline periods, from a seen drop to the next connect", offlineDurations);
            counter(all, "disconnects_by_reason", "Disconnections of the client by EMQX's reason (event feed); unknown: only a poll saw the drop; other: a reason not in the known list", disconnectsByReason);
            return all.build();
        }

        private static void gauge(MetricSnapshots.Builder all, String name, String help, List<GaugeDataPointSnapshot> points) {
            if (!points.isEmpty()) {
                all.metricSnapshot(new GaugeSnapshot(new io.prometheus.metrics.model.snapshots.MetricMetadata(PREFIX + name, help), points));
            }
        }

        private static void histogram(MetricSnapshots.Builder all, String name, String help, List<HistogramDataPointSnapshot> points) {
            if (!points.isEmpty()) {
                all.metricSnapshot(new HistogramSnapshot(new io.prometheus.metrics.model.snapshots.MetricMetadata(PREFIX + name, help), points));
            }
        }

        private static void counter(MetricSnapshots.Builder all, String name, String help, List<CounterDataPointSnapshot> points) {
            if (!points.isEmpty()) {
                all.metricSnapshot(new CounterSnapshot(new io.prometheus.metrics.model.snapshots.MetricMetadata(PREFIX + name, help), points));
            }
        }
    }
}
