package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.config.ShardAssignment;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * {@code emqx_client_monitor_shard_info{shard="…",total_shards="…"} 1}: which share of the fleet this instance
 * watches ({@code shard="0",total_shards="1"} when unsharded). Like build_info: a gauge in the text format, an info
 * metric in OpenMetrics; a metric of its own so that build_info keeps its labels.
 */
public final class ShardInfoCollector implements Collector {
    public static final String NAME = "emqx_client_monitor_shard_info";
    private final InfoSnapshot snapshot;

    public ShardInfoCollector(ShardAssignment shards) {
        snapshot = InfoSnapshot.builder()
                .name("emqx_client_monitor_shard")
                .help("Which shard of the fleet this instance watches (monitor.shard of monitor.total-shards); always 1")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("shard", Integer.toString(shards.shard()),
                                "total_shards", Integer.toString(shards.total())))
                        .build())
                .build();
    }

    @Override
    public MetricSnapshot collect() {
        return snapshot;
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
