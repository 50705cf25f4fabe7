package io.emqxclientmonitor.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The reference exporter's {@code enable_*} switches, with the same names and defaults, plus our own
 * {@code session_metrics} (connects, disconnects, last-seen and last-disconnect timestamps; on by default) and
 * {@code session_histograms} (session and offline durations; off by default: 36 series per client).
 */
public record MetricFlags(boolean processedCounters, boolean qosSplit, boolean droppedCounters, boolean reasonSplit,
                          boolean bytesMetrics, boolean packetMetrics, boolean dates, boolean inflightMetrics,
                          boolean subscriptionCount, boolean sessionMetrics, boolean sessionHistograms) {

    public static final MetricFlags DEFAULTS = new MetricFlags(true, false, false, false, true, true, false, true, true, true, false);
    public static final MetricFlags ALL = new MetricFlags(true, true, true, true, true, true, true, true, true, true, true);

    /** The flags without {@code session_histograms} (off). */
    public MetricFlags(boolean processedCounters, boolean qosSplit, boolean droppedCounters, boolean reasonSplit,
                       boolean bytesMetrics, boolean packetMetrics, boolean dates, boolean inflightMetrics,
                       boolean subscriptionCount, boolean sessionMetrics) {
        this(processedCounters, qosSplit, droppedCounters, reasonSplit, bytesMetrics, packetMetrics, dates,
                inflightMetrics, subscriptionCount, sessionMetrics, false);
    }

    /** Flag names as the reference spells them (without {@code enable_}), mapped to their defaults. */
    public static Map<String, Boolean> defaultsByName() {
        Map<String, Boolean> byName = new LinkedHashMap<>();
        byName.put("processed_counters", true);
        byName.put("qos_split", false);
        byName.put("dropped_counters", false);
        byName.put("reason_split", false);
        byName.put("bytes_metrics", true);
        byName.put("packet_metrics", true);
        byName.put("dates", false);
        byName.put("inflight_metrics", true);
        byName.put("subscription_count", true);
        byName.put("session_metrics", true);
        byName.put("session_histograms", false);
        return byName;
    }

    public static MetricFlags fromNames(Function<String, Boolean> valueOfName) {
        return new MetricFlags(valueOfName.apply("processed_counters"), valueOfName.apply("qos_split"),
                valueOfName.apply("dropped_counters"), valueOfName.apply("reason_split"),
                valueOfName.apply("bytes_metrics"), valueOfName.apply("packet_metrics"), valueOfName.apply("dates"),
                valueOfName.apply("inflight_metrics"), valueOfName.apply("subscription_count"),
                valueOfName.apply("session_metrics"), valueOfName.apply("session_histograms"));
    }
}
